// FAKES. Minimal stand-ins for the host engines' APIs, with the same names and shapes as the real ones, so that the
// snippets of docs/embedding.md compile and run in this test project exactly as they are printed. They implement only
// what the snippets touch; the test drivers (Engine.Tests/Docs/HostDrivers.cs) play the engines' frame loops.
// Nothing here is a YieldLoop API, and nothing here tries to be faithful beyond the members listed.
#pragma warning disable CA1707, CA1708, CA1710, CA1711, CA1716, CA1720, CA1034, CA1051, CA1822, CA2211, IDE1006

using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;

namespace UnityEngine
{
    /// <summary>FAKE of UnityEngine.MonoBehaviour: the test driver sends the messages (Awake, Update, ...) by reflection.</summary>
    public class MonoBehaviour
    {
        internal readonly List<IEnumerator> FakeCoroutines = new();

        /// <summary>Gets or sets the object's name.</summary>
        public string name { get; set; } = "GameObject";

        /// <summary>FAKE: runs the Unity coroutine to its first yield, as Unity does; the driver resumes it at the end of
        /// each frame when it waits for <see cref="WaitForEndOfFrame"/> (nothing else is supported).</summary>
        public Coroutine StartCoroutine(IEnumerator routine)
        {
            if (routine.MoveNext())
            {
                FakeCoroutines.Add(routine);
            }

            return new Coroutine();
        }

        /// <summary>FAKE driver hook: sends a Unity message (a private method such as "Update") if the script has it.</summary>
        internal void FakeSend(string message)
        {
            MethodInfo? method = GetType().GetMethod(message, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
            method?.Invoke(this, null);
        }
    }

    /// <summary>FAKE of UnityEngine.Coroutine.</summary>
    public sealed class Coroutine
    {
    }

    /// <summary>FAKE of UnityEngine.YieldInstruction.</summary>
    public class YieldInstruction
    {
    }

    /// <summary>FAKE of UnityEngine.WaitForEndOfFrame: a Unity coroutine resumes after the frame is rendered.</summary>
    public sealed class WaitForEndOfFrame : YieldInstruction
    {
    }

    /// <summary>FAKE of UnityEngine.DefaultExecutionOrderAttribute.</summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class DefaultExecutionOrder : Attribute
    {
        public DefaultExecutionOrder(int order) => this.order = order;

        public int order { get; }
    }

    /// <summary>FAKE of UnityEngine.Debug: logged exceptions and messages are kept for the tests.</summary>
    public static class Debug
    {
        internal static readonly List<Exception> FakeLoggedExceptions = new();

        internal static readonly List<string> FakeLoggedMessages = new();

        public static void Log(object message) => FakeLoggedMessages.Add(message?.ToString() ?? "Null");

        public static void LogException(Exception exception) => FakeLoggedExceptions.Add(exception);
    }

    /// <summary>FAKE of UnityEngine.Time: the test driver sets the values each frame.</summary>
    public static class Time
    {
        public static float deltaTime { get; internal set; }

        public static float unscaledDeltaTime { get; internal set; }

        public static float fixedDeltaTime { get; set; } = 0.02f;

        public static float timeScale { get; set; } = 1f;
    }
}

namespace Godot
{
    /// <summary>FAKE of Godot.GD: pushed errors are kept for the tests.</summary>
    public static class GD
    {
        internal static readonly List<string> FakeErrors = new();

        public static void PushError(string message) => FakeErrors.Add(message);
    }

    /// <summary>FAKE of Godot.Node (Godot 4, C#): the test driver calls the virtual callbacks.</summary>
    public partial class Node
    {
        /// <summary>FAKE of Node.ProcessModeEnum.</summary>
        public enum ProcessModeEnum
        {
            Inherit,
            Pausable,
            WhenPaused,
            Always,
            Disabled,
        }

        /// <summary>Gets or sets whether the node keeps processing while the scene tree is paused.</summary>
        public ProcessModeEnum ProcessMode { get; set; }

        public virtual void _Ready()
        {
        }

        public virtual void _Process(double delta)
        {
        }

        public virtual void _PhysicsProcess(double delta)
        {
        }

        public virtual void _ExitTree()
        {
        }
    }
}

namespace Microsoft.Xna.Framework
{
    /// <summary>FAKE of Microsoft.Xna.Framework.GameTime (MonoGame).</summary>
    public class GameTime
    {
        public GameTime(TimeSpan totalGameTime, TimeSpan elapsedGameTime)
        {
            TotalGameTime = totalGameTime;
            ElapsedGameTime = elapsedGameTime;
        }

        public TimeSpan TotalGameTime { get; set; }

        public TimeSpan ElapsedGameTime { get; set; }

        public bool IsRunningSlowly { get; set; }
    }

    /// <summary>FAKE of Microsoft.Xna.Framework.Game (MonoGame): the test driver calls Initialize, Update, Draw, Dispose.</summary>
    public class Game : IDisposable
    {
        public bool IsFixedTimeStep { get; set; } = true;

        public TimeSpan TargetElapsedTime { get; set; } = TimeSpan.FromTicks(166667);

        public void Dispose()
        {
            Dispose(true);
            GC.SuppressFinalize(this);
        }

        protected virtual void Initialize()
        {
        }

        protected virtual void Update(GameTime gameTime)
        {
        }

        protected virtual void Draw(GameTime gameTime)
        {
        }

        protected virtual void Dispose(bool disposing)
        {
        }

        /// <summary>FAKE driver hooks (MonoGame's own Game.Run calls these).</summary>
        internal void FakeInitialize() => Initialize();

        internal void FakeUpdate(GameTime gameTime) => Update(gameTime);

        internal void FakeDraw(GameTime gameTime) => Draw(gameTime);
    }
}
