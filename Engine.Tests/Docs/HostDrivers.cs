using System;
using System.Collections;
using System.Collections.Generic;
using Godot;
using Microsoft.Xna.Framework;
using UnityEngine;

namespace YieldLoop.Tests.Docs;

/// <summary>
/// FAKE frame loops of the host engines, just enough to drive the doc snippets the way the engines call them. Time is
/// counted in 100 ns ticks so that the step counts are exact.
/// </summary>
internal sealed class FakeUnityPlayer
{
    private readonly List<MonoBehaviour> _active = new();
    private readonly List<MonoBehaviour> _toStart = new();
    private long _fixedAccumulator;

    public FakeUnityPlayer()
    {
        UnityEngine.Time.timeScale = 1f;
        UnityEngine.Time.fixedDeltaTime = 0.02f;
        UnityEngine.Debug.FakeLoggedExceptions.Clear();
        UnityEngine.Debug.FakeLoggedMessages.Clear();
    }

    public int Frames { get; private set; }

    public int FixedSteps { get; private set; }

    /// <summary>Adds a script to the scene: Awake, OnEnable now, Start before its first frame.</summary>
    public T Add<T>(T script)
        where T : MonoBehaviour
    {
        script.FakeSend("Awake");
        script.FakeSend("OnEnable");
        _active.Add(script);
        _toStart.Add(script);
        return script;
    }

    /// <summary>One frame of Unity's player loop: Start, FixedUpdate per fixed step of scaled time, Update,
    /// LateUpdate, then the coroutines waiting for the end of the frame.</summary>
    public void Frame(float unscaledDeltaTime = 1f / 60)
    {
        Frames++;
        UnityEngine.Time.unscaledDeltaTime = unscaledDeltaTime;
        UnityEngine.Time.deltaTime = unscaledDeltaTime * UnityEngine.Time.timeScale;
        foreach (MonoBehaviour script in _toStart.ToArray())
        {
            script.FakeSend("Start");
        }

        _toStart.Clear();
        _fixedAccumulator += Ticks(UnityEngine.Time.deltaTime);
        long step = Ticks(UnityEngine.Time.fixedDeltaTime);
        while (_fixedAccumulator >= step)
        {
            _fixedAccumulator -= step;
            FixedSteps++;
            Send("FixedUpdate");
        }

        Send("Update");
        Send("LateUpdate");
        foreach (MonoBehaviour script in _active.ToArray())
        {
            foreach (IEnumerator routine in script.FakeCoroutines.ToArray())
            {
                if (routine.Current is WaitForEndOfFrame && !routine.MoveNext())
                {
                    script.FakeCoroutines.Remove(routine);
                }
            }
        }
    }

    public void Frames60(int count)
    {
        for (int i = 0; i < count; i++)
        {
            Frame();
        }
    }

    /// <summary>GameObject.SetActive: OnDisable, and Unity stops the object's coroutines; OnEnable when activated.</summary>
    public void SetActive(MonoBehaviour script, bool active)
    {
        if (!active && _active.Remove(script))
        {
            script.FakeSend("OnDisable");
            script.FakeCoroutines.Clear();
        }
        else if (active && !_active.Contains(script))
        {
            _active.Add(script);
            script.FakeSend("OnEnable");
        }
    }

    /// <summary>Object.Destroy: OnDisable (if active), then OnDestroy.</summary>
    public void Destroy(MonoBehaviour script)
    {
        if (_active.Remove(script))
        {
            script.FakeSend("OnDisable");
        }

        script.FakeSend("OnDestroy");
    }

    /// <summary>Seconds to 100 ns ticks, rounded to the nearest (as ManualClock.Advance(double) does).</summary>
    public static long Ticks(double seconds) => (long)Math.Round(seconds * TimeSpan.TicksPerSecond);

    private void Send(string message)
    {
        foreach (MonoBehaviour script in _active.ToArray())
        {
            script.FakeSend(message);
        }
    }
}

/// <summary>FAKE of Godot's main loop for one node: physics steps at a fixed rate, then the process callback.</summary>
internal sealed class FakeGodotMainLoop
{
    private readonly Node _node;
    private readonly long _physicsStep;
    private long _accumulator;

    public FakeGodotMainLoop(Node node, int physicsTicksPerSecond = 60)
    {
        _node = node;
        _physicsStep = TimeSpan.TicksPerSecond / physicsTicksPerSecond;
        GD.FakeErrors.Clear();
        node._Ready();
    }

    public int PhysicsFrames { get; private set; }

    public void Frame(double delta)
    {
        _accumulator += FakeUnityPlayer.Ticks(delta);
        for (int steps = 0; _accumulator >= _physicsStep && steps < 8; steps++)
        {
            _accumulator -= _physicsStep;
            PhysicsFrames++;
            _node._PhysicsProcess((double)_physicsStep / TimeSpan.TicksPerSecond);
        }

        _node._Process(delta);
    }

    public void ExitTree() => _node._ExitTree();
}

/// <summary>FAKE of MonoGame's Game.Run with IsFixedTimeStep = false: one Update and one Draw per frame.</summary>
internal sealed class FakeMonoGameRunner
{
    private readonly Game _game;
    private TimeSpan _total;

    public FakeMonoGameRunner(Game game)
    {
        _game = game;
        game.FakeInitialize();
    }

    public void Frame(TimeSpan elapsed)
    {
        _total += elapsed;
        var time = new GameTime(_total, elapsed);
        _game.FakeUpdate(time);
        _game.FakeDraw(time);
    }
}
