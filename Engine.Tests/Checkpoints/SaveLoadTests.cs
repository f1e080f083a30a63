using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using NUnit.Framework;
using YieldLoop;

namespace YieldLoop.Tests.Checkpoints;

// Save and load (docs/checkpoints.md): the loop's state written to a stream and read into a new loop, which goes on
// exactly as the saved one would have.
[TestFixture]
public sealed class SaveLoadTests
{
    // A game object: coroutines refer to it, the save names it through the resolver.
    private sealed class Scene
    {
        public readonly List<string> Trace = new();
        public int Gold;

        public IEnumerator<IAwaitable> Cutscene(string who, int lines)
        {
            int spoken = 0;
            var seen = new List<int>();
            for (int i = 0; i < lines; i++)
            {
                spoken++;
                seen.Add(i * i);
                Trace.Add($"{who} line {i} at {Loop!.Time.TotalMilliseconds} tick {Loop.TickCount}");
                yield return Co.Sleep(TimeSpan.FromMilliseconds(40 + (10 * i)));
            }

            Gold += spoken + seen.Count;
            Trace.Add($"{who} done, gold {Gold}");
        }

        public EventLoop? Loop;
    }

    private sealed class SceneResolver : SaveResolver
    {
        private readonly Scene _scene;

        public SceneResolver(Scene scene) => _scene = scene;

        public override string? GetId(object value) => ReferenceEquals(value, _scene) ? "scene" : null;

        public override object Resolve(string id, Type type) => id == "scene" ? _scene : throw new KeyNotFoundException(id);
    }

    private static void Frames(ManualClock clock, EventLoop loop, int count)
    {
        for (int i = 0; i < count; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(16));
            loop.Tick();
        }
    }

    private static (Scene Scene, ManualClock Clock, EventLoop Loop) NewWorld(string name)
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, name);
        return (new Scene { Loop = loop }, clock, loop);
    }

    private static void StartCutscenes(Scene scene, EventLoop loop)
    {
        loop.Start(scene.Cutscene("hero", 6), "hero");
        loop.Start(scene.Cutscene("villain", 4), "villain");
    }

    [Test]
    public void Load_GoesOnAsTheSavedLoopWouldHave()
    {
        (Scene reference, ManualClock refClock, EventLoop refLoop) = NewWorld("reference");
        StartCutscenes(reference, refLoop);
        Frames(refClock, refLoop, 60);

        (Scene scene, ManualClock clock, EventLoop loop) = NewWorld("first");
        StartCutscenes(scene, loop);
        Frames(clock, loop, 9);
        var save = new MemoryStream();
        loop.Save(save, new SceneResolver(scene));
        loop.Close();

        (Scene loadedScene, ManualClock clock2, EventLoop loop2) = NewWorld("second");
        loadedScene.Trace.AddRange(scene.Trace.GetRange(0, scene.Trace.Count));   // the game's own save of its world
        save.Position = 0;
        loop2.Load(save, new SceneResolver(loadedScene));
        Assert.That(loop2.TickCount, Is.EqualTo(9));
        Assert.That(loop2.PendingTaskCount, Is.EqualTo(2));
        Frames(clock2, loop2, 51);

        Assert.That(loadedScene.Trace, Is.EqualTo(reference.Trace));
        Assert.That(loadedScene.Gold, Is.EqualTo(reference.Gold).And.GreaterThan(0));
        refLoop.Close();
        loop2.Close();
    }

    [Test]
    public void Load_ReturnsTheRootsAsTheirLoadedCounterparts()
    {
        (Scene scene, ManualClock clock, EventLoop loop) = NewWorld("first");
        LoopTask hero = loop.Start(scene.Cutscene("hero", 3), "hero");
        var source = new FutureSource<int>(loop);
        Frames(clock, loop, 2);
        var save = new MemoryStream();
        loop.Save(save, new SceneResolver(scene), new object[] { hero, source });

        (Scene scene2, ManualClock clock2, EventLoop loop2) = NewWorld("second");
        save.Position = 0;
        IReadOnlyList<object?> roots = loop2.Load(save, new SceneResolver(scene2));
        var hero2 = (LoopTask)roots[0]!;
        var source2 = (FutureSource<int>)roots[1]!;
        Assert.That(hero2, Is.Not.SameAs(hero));
        Assert.That(hero2.Loop, Is.SameAs(loop2));
        Assert.That(hero2.IsCompleted, Is.False);
        source2.SetResult(3);
        Assert.That(source2.Future.Result, Is.EqualTo(3));
        Frames(clock2, loop2, 30);
        Assert.That(hero2.IsCompleted, Is.True);
        loop.Close();
        loop2.Close();
    }

    [Test]
    public void Save_OfAGameObjectWithoutAResolver_IsRefusedNamingTheCoroutineAndField_R71_R72()
    {
        (Scene scene, _, EventLoop loop) = NewWorld("first");
        loop.Start(scene.Cutscene("hero", 3), "hero");
        loop.Tick();
        var ex = Assert.Throws<InvalidOperationException>(() => loop.Save(new MemoryStream()));
        Assert.That(ex!.Message, Does.Contain("Cutscene").And.Contain("<>4__this").And.Contain("SaveResolver"));
        loop.Close();
    }

    [Test]
    public void Load_IntoALoopThatHasWork_IsRefused()
    {
        (Scene scene, _, EventLoop loop) = NewWorld("first");
        loop.Start(scene.Cutscene("hero", 3), "hero");
        var save = new MemoryStream();
        loop.Save(save, new SceneResolver(scene));
        save.Position = 0;
        var ex = Assert.Throws<InvalidOperationException>(() => loop.Load(save, new SceneResolver(scene)));
        Assert.That(ex!.Message, Does.Contain("new loop"));
        loop.Close();
    }

    [Test]
    public void Load_OfASaveWhoseCoroutineBodyChanged_IsRefusedWithItsName_R71()
    {
        byte[] bytes = SaveOfCutscene(out string fingerprint);
        byte[] changed = Replace(bytes, fingerprint, string.Concat(fingerprint.AsSpan(0, 15), fingerprint[15] == '0' ? "1" : "0"));
        (Scene scene2, _, EventLoop loop2) = NewWorld("second");
        var ex = Assert.Throws<InvalidDataException>(() => loop2.Load(new MemoryStream(changed), new SceneResolver(scene2)));
        Assert.That(ex!.Message, Does.Contain("coroutine '").And.Contain("Cutscene'").And.Contain("compiled body changed"));
        Assert.That(loop2.PendingTaskCount, Is.Zero, "nothing was loaded");
        loop2.Close();
    }

    [Test]
    public void Load_OfASaveWhoseCoroutineFieldsChanged_IsRefusedWithWhatChanged_R71()
    {
        byte[] bytes = SaveOfCutscene(out _);
        byte[] renamed = Replace(bytes, "<spoken>", "<spokeN>");
        (Scene scene2, _, EventLoop loop2) = NewWorld("second");
        var ex = Assert.Throws<InvalidDataException>(() => loop2.Load(new MemoryStream(renamed), new SceneResolver(scene2)));
        Assert.That(ex!.Message, Does.Contain("Cutscene'").And.Contain("'<spokeN>").And.Contain("is gone").And.Contain("'<spoken>").And.Contain("is new"));
        loop2.Close();
    }

    [Test]
    public void Load_OfAStreamThatIsNotASave_IsRefused()
    {
        (_, _, EventLoop loop) = NewWorld("second");
        var ex = Assert.Throws<InvalidDataException>(() => loop.Load(new MemoryStream(Encoding.UTF8.GetBytes("hello, world"))));
        Assert.That(ex!.Message, Does.Contain("not a YieldLoop save"));
        loop.Close();
    }

    // A piece of game data that the game serializes itself, by value.
    private sealed class Line
    {
        public Line(string speaker, string text)
        {
            Speaker = speaker;
            Text = text;
        }

        public string Speaker { get; }

        public string Text { get; }
    }

    private sealed class Transcript
    {
        public List<string> Said { get; } = new();
    }

    private sealed class DialogueResolver : SaveResolver
    {
        private readonly Transcript _transcript;

        public DialogueResolver(Transcript transcript) => _transcript = transcript;

        public int Written { get; private set; }

        public override string? GetId(object value) => ReferenceEquals(value, _transcript) ? "transcript" : null;

        public override object Resolve(string id, Type type) => id == "transcript" ? _transcript : throw new KeyNotFoundException(id);

        public override bool TryWriteValue(object value, BinaryWriter writer)
        {
            if (value is not Line line)
            {
                return false;
            }

            writer.Write(line.Speaker);
            writer.Write(line.Text);
            Written++;
            return true;
        }

        public override object ReadValue(Type type, BinaryReader reader) => new Line(reader.ReadString(), reader.ReadString());
    }

    private static IEnumerator<IAwaitable> Speak(Line[] lines, Transcript transcript)
    {
        foreach (Line line in lines)
        {
            transcript.Said.Add($"{line.Speaker}: {line.Text}");
            yield return Co.Sleep(TimeSpan.FromMilliseconds(30));
        }
    }

    [Test]
    public void Save_WritesGameDataByValue_WhenTheResolverSerializesIt_R72()
    {
        var clock = new ManualClock();
        var loop = new EventLoop(clock, "first");
        var transcript = new Transcript();
        var lines = new[] { new Line("hero", "Who goes there?"), new Line("guard", "Nobody."), new Line("hero", "Then pass.") };
        loop.Start(Speak(lines, transcript), "speak");
        Frames(clock, loop, 2);
        var save = new MemoryStream();
        var resolver = new DialogueResolver(transcript);
        loop.Save(save, resolver);
        Assert.That(resolver.Written, Is.GreaterThanOrEqualTo(3), "the lines the coroutine holds, by value");
        loop.Close();

        var clock2 = new ManualClock();
        var loop2 = new EventLoop(clock2, "second");
        save.Position = 0;
        loop2.Load(save, new DialogueResolver(transcript));
        Frames(clock2, loop2, 10);
        Assert.That(loop2.PendingTaskCount, Is.Zero);
        Assert.That(transcript.Said, Is.EqualTo(new[] { "hero: Who goes there?", "guard: Nobody.", "hero: Then pass." }));
        loop2.Close();
    }

    private static byte[] SaveOfCutscene(out string fingerprint)
    {
        (Scene scene, ManualClock clock, EventLoop loop) = NewWorld("first");
        loop.Start(scene.Cutscene("hero", 3), "hero");
        Frames(clock, loop, 2);
        var save = new MemoryStream();
        loop.Save(save, new SceneResolver(scene));
        loop.Close();
        Type iterator = typeof(Scene).GetNestedTypes(System.Reflection.BindingFlags.NonPublic)[0];
        Assert.That(iterator.Name, Does.Contain("Cutscene"));
        fingerprint = YieldLoop.CoroutineFingerprintAttribute.Compute(typeof(Scene).GetMethod(nameof(Scene.Cutscene))!);
        return save.ToArray();
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        byte[] a = Encoding.UTF8.GetBytes(from), b = Encoding.UTF8.GetBytes(to);
        Assert.That(a.Length, Is.EqualTo(b.Length));
        byte[] copy = (byte[])bytes.Clone();
        int found = 0;
        for (int i = 0; i + a.Length <= copy.Length; i++)
        {
            if (copy.AsSpan(i, a.Length).SequenceEqual(a))
            {
                b.CopyTo(copy, i);
                found++;
            }
        }

        Assert.That(found, Is.GreaterThan(0), $"'{from}' is in the save");
        return copy;
    }
}
