// Snippets of docs/embedding.md, section "Unity". Compiled against the fakes in FakeHosts.cs; Unity projects do not
// enable nullable reference types, and neither does this file, so the code reads as it would in a Unity project.
// Unity 2021.2-2022.3 compile C# 9, so Docs/UnityCSharp9SnippetTests.cs compiles this file as C# 9 too:
// snippet-compile: unity-csharp9
#nullable disable

// <snippet:unity-runner>
using System.Collections;
using UnityEngine;
using YieldLoop;

namespace MyGame
{
    // Put it on one object of the first scene (DontDestroyOnLoad if it should outlive scenes).
    [DefaultExecutionOrder(-1000)]   // its Awake runs before the scripts that use it
    public sealed class YieldLoopRunner : MonoBehaviour
    {
        private readonly ManualClock _realTime = new();   // moved by Time.unscaledDeltaTime

        public static YieldLoopRunner Instance { get; private set; }

        public EventLoop Loop { get; private set; }
        public GameClock World { get; private set; }      // follows Time.timeScale
        public LoopPhase FixedUpdatePhase { get; private set; }
        public LoopPhase LateUpdatePhase { get; private set; }
        public LoopPhase EndOfFramePhase { get; private set; }

        private void Awake()
        {
            Instance = this;
            Loop = new EventLoop(_realTime, "unity-main");   // created here, on the main thread
            Loop.UnhandledExceptionHandler = Debug.LogException;
            World = new GameClock(Loop, "world");
            FixedUpdatePhase = new LoopPhase(Loop, "FixedUpdate");
            LateUpdatePhase = new LoopPhase(Loop, "LateUpdate");
            EndOfFramePhase = new LoopPhase(Loop, "EndOfFrame");
            StartCoroutine(RunEndOfFrame());
        }
        // </snippet:unity-runner>

        // <snippet:unity-runner-frame>
        private void FixedUpdate() => FixedUpdatePhase.Run();

        private void Update()
        {
            World.Scale = Time.timeScale;                // first, so this frame's time runs at the new scale
            _realTime.Advance(Time.unscaledDeltaTime);
            Loop.Tick();
        }

        private void LateUpdate() => LateUpdatePhase.Run();

        private IEnumerator RunEndOfFrame()              // a Unity coroutine, the only one
        {
            var endOfFrame = new WaitForEndOfFrame();
            while (true)
            {
                yield return endOfFrame;
                EndOfFramePhase.Run();
            }
        }

        private void OnDestroy() => Loop.Close();        // cancels what is left; finally blocks run
    }
}
// </snippet:unity-runner-frame>
