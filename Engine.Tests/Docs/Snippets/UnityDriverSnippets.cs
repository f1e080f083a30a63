// Snippet of docs/embedding.md, section "Unity": the smallest driver. Compiled against the fakes in FakeHosts.cs, with
// nullable reference types off as in a Unity project, and as C# 9 by Docs/UnityCSharp9SnippetTests.cs:
// snippet-compile: unity-csharp9
#nullable disable

// <snippet:unity-driver>
using System.Collections.Generic;
using UnityEngine;
using YieldLoop;

namespace MyGame
{
    // One component owns the event loop and gives it Unity's frame.
    public sealed class CoroutineHost : MonoBehaviour
    {
        private ManualClock _clock;
        private EventLoop _loop;

        private void Awake()
        {
            _clock = new ManualClock();
            _loop = new EventLoop(_clock, "game");          // created on the main thread, which ticks it
            _loop.UnhandledExceptionHandler = Debug.LogException;
        }

        private void Start()
        {
            _loop.Start(CountDown(3));                      // a coroutine: runs from the next tick on
        }

        private void Update()
        {
            _clock.Advance(Time.deltaTime);                 // game time: stops while Time.timeScale is 0
            _loop.Tick();                                   // runs every coroutine that is due
        }

        private void OnDestroy() => _loop.Close();          // cancels what is left; finally blocks run

        private static IEnumerator<IAwaitable> CountDown(int from)
        {
            for (int i = from; i > 0; i--)
            {
                Debug.Log(i);
                yield return Co.Sleep(1);                   // one second of game time, without blocking the frame
            }

            Debug.Log("Go!");
        }
    }
}
// </snippet:unity-driver>
