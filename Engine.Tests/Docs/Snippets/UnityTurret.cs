// Snippet of docs/embedding.md, section "Unity": a gameplay script. Compiled against the fakes in FakeHosts.cs, with
// nullable reference types off as in a Unity project, and as C# 9 by Docs/UnityCSharp9SnippetTests.cs:
// snippet-compile: unity-csharp9
#nullable disable

// <snippet:unity-turret>
using System;
using System.Collections.Generic;
using UnityEngine;
using YieldLoop;

namespace MyGame
{
    public sealed class Turret : MonoBehaviour
    {
        private EventLoop _loop;
        private Scope _tasks;                        // this object's tasks: they live and die with it

        public int Shots { get; private set; }
        public float Heat { get; private set; }

        private void Awake()
        {
            YieldLoopRunner runner = YieldLoopRunner.Instance;
            _loop = runner.Loop;
            _tasks = new Scope(_loop, name, runner.World);   // their Co.Sleep counts world time
        }

        private void Start()
        {
            _tasks.Start(Cool(YieldLoopRunner.Instance.FixedUpdatePhase));
            _tasks.Start(Fire(YieldLoopRunner.Instance.LateUpdatePhase));
        }

        private void OnEnable() => _tasks.Resume();
        private void OnDestroy() => _tasks.Dispose();    // cancels them; their finally blocks run

        private void OnDisable() => _tasks.Pause();     // Unity would stop its own coroutines here, for good

        // </snippet:unity-turret>

        // <snippet:unity-turret-tasks>
        private IEnumerator<IAwaitable> Cool(LoopPhase fixedUpdate)
        {
            while (true)
            {
                yield return fixedUpdate;            // once per physics step
                Heat = Math.Max(0f, Heat - (0.25f * Time.fixedDeltaTime));
            }
        }

        private IEnumerator<IAwaitable> Fire(LoopPhase lateUpdate)
        {
            while (true)
            {
                yield return Co.Sleep(2);            // 2 s of world time: none pass while Time.timeScale is 0
                yield return lateUpdate;             // after every Update of this frame: aim where the target ended up
                Shots++;
                Heat += 1;
            }
        }
    }
}
// </snippet:unity-turret-tasks>
