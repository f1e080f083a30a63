// Snippets of docs/analyzers.md: the right form of each rule's example. The wrong forms are ```text blocks there,
// because they would (rightly) fail this project's build with the analyzer on.
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Net.Http;
using System.Threading.Tasks;
using YieldLoop;

namespace MyGame;

public static class AnalyzerSnippets
{
    private static int s_hits;

    private static IEnumerator<IAwaitable> Explode()
    {
        s_hits++;
        yield return Co.NextTick;
    }

    private static IEnumerator<IAwaitable> Spawn()
    {
        s_hits++;
        yield return Co.NextTick;
    }

    // <snippet:analyzers-yl0001-right>
    public static IEnumerator<IAwaitable> Die(EventLoop loop)
    {
        yield return Co.Call(Explode());   // runs the child here; Die goes on when it ends
        loop.Start(Explode());             // or: a separate task, Die goes on at once
    }
    // </snippet:analyzers-yl0001-right>

    // <snippet:analyzers-yl0002-right>
    public static IEnumerator<IAwaitable> Download(HttpClient http, string url)
    {
        yield return Co.Sleep(0.5);                           // not Thread.Sleep(500)
        Task<string> request = http.GetStringAsync(url);
        yield return Co.Await(request);                       // not request.Result
        string page = request.Result;                         // completed now: does not block
        yield return Co.Offload(() => File.WriteAllText("page.html", page));   // not File.WriteAllText here
    }
    // </snippet:analyzers-yl0002-right>

    // <snippet:analyzers-yl0003-right>
    public static IEnumerator<IAwaitable> Regenerate()
    {
        while (true)
        {
            s_hits++;
            yield return Co.NextTick;   // one step per tick; the rest of the game runs in between
        }
    }
    // </snippet:analyzers-yl0003-right>

    // <snippet:analyzers-yl0004-right>
    // A YieldLoop coroutine, started on the loop the game ticks: loop.Start(FireVolley()).
    public static IEnumerator<IAwaitable> FireVolley()
    {
        for (int shot = 0; shot < 3; shot++)
        {
            s_hits++;
            yield return Co.Sleep(0.2);
        }
    }

    // A Unity coroutine that waits for a YieldLoop task polls it once per frame.
    public static IEnumerator WaitForVolley(LoopTask volley)
    {
        while (!volley.IsCompleted)
        {
            yield return null;
        }
    }
    // </snippet:analyzers-yl0004-right>

    // <snippet:analyzers-yl0005-right>
    public static void SpawnWaves(EventLoop loop)
    {
        loop.Start(Spawn());   // a fresh iterator for each start
        loop.Start(Spawn());
    }
    // </snippet:analyzers-yl0005-right>
}
