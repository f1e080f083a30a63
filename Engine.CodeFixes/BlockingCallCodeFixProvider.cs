using System.Collections.Immutable;
using System.Composition;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace YieldLoop.Analyzers;

/// <summary>
/// Fixes YL0002 where the blocking call is a whole statement: <c>Thread.Sleep(ms);</c> becomes
/// <c>yield return Co.Sleep(ms / 1000.0);</c> (a <c>TimeSpan</c> is passed as is), and <c>task.Wait();</c>,
/// <c>_ = task.Result;</c>, <c>task.GetAwaiter().GetResult();</c> become <c>yield return Co.Await(task);</c>;
/// <c>Task.WaitAll(a, b);</c> becomes <c>yield return Co.Await(Task.WhenAll(a, b));</c>.
/// </summary>
/// <remarks>A blocking call whose value is used (<c>var x = task.Result;</c>) needs the wait and the read split into two
/// statements, and the analyzer offers no fix for it; the docs show the shape.</remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(BlockingCallCodeFixProvider)), Shared]
public sealed class BlockingCallCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Descriptors.BlockingCall.Id);

    /// <inheritdoc/>
    public override FixAllProvider? GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null || CoroutineTypes.TryCreate(model.Compilation) is not { } types)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(BlockingCallAnalyzer.FixKey, out string? fix)
                || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax node
                || FixSyntax.StatementOf(node) is not { } statement)
            {
                continue;
            }

            string co = FixSyntax.TypeName(model, statement.SpanStart, types.Co, "Co");
            string? awaited = fix switch
            {
                BlockingCallAnalyzer.FixSleep => null,
                BlockingCallAnalyzer.FixAwait => WaitedTask(node),
                BlockingCallAnalyzer.FixWhenAll or BlockingCallAnalyzer.FixWhenAny => WhenForm(node, fix == BlockingCallAnalyzer.FixWhenAll ? "WhenAll" : "WhenAny"),
                _ => null,
            };
            string? text = fix == BlockingCallAnalyzer.FixSleep
                ? SleepSeconds(node, model, context.CancellationToken) is { } seconds ? "yield return " + co + ".Sleep(" + seconds + ");" : null
                : awaited is null ? null : "yield return " + co + ".Await(" + awaited + ");";
            if (text is null)
            {
                continue;
            }

            string title = fix == BlockingCallAnalyzer.FixSleep ? "Sleep without blocking: " + text : "Wait without blocking: " + text;
            Document document = context.Document;
            context.RegisterCodeFix(
                CodeAction.Create(
                    title,
                    ct =>
                    {
                        ct.ThrowIfCancellationRequested();
                        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(statement, FixSyntax.Statement(text, statement))));
                    },
                    "YL0002." + fix),
                diagnostic);
        }
    }

    /// <summary>The task expression of <c>t.Wait()</c>, <c>t.Result</c> or <c>t.GetAwaiter().GetResult()</c>.</summary>
    private static string? WaitedTask(ExpressionSyntax node)
    {
        ExpressionSyntax? task = node switch
        {
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Result" } result => result.Expression,
            InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Wait" } wait } => wait.Expression,
            InvocationExpressionSyntax
            {
                Expression: MemberAccessExpressionSyntax
                {
                    Name.Identifier.ValueText: "GetResult",
                    Expression: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "GetAwaiter" } getAwaiter },
                },
            } => getAwaiter.Expression,
            _ => null,
        };
        return task?.WithoutTrivia().ToFullString();
    }

    /// <summary><c>Task.WaitAll(a, b)</c> as <c>Task.WhenAll(a, b)</c>, keeping how the type was written.</summary>
    private static string? WhenForm(ExpressionSyntax node, string when) =>
        node is InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax access } invocation
            ? access.Expression.WithoutTrivia().ToFullString() + "." + when + invocation.ArgumentList.WithoutTrivia().ToFullString()
            : null;

    /// <summary>The seconds for <c>Co.Sleep</c>: a literal for a constant count of milliseconds, <c>ms / 1000.0</c>
    /// otherwise, or the <c>TimeSpan</c> itself; <see langword="null"/> for a negative constant (an infinite sleep).</summary>
    private static string? SleepSeconds(ExpressionSyntax node, SemanticModel model, CancellationToken cancellationToken)
    {
        if (node is not InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } invocation)
        {
            return null;
        }

        ArgumentSyntax argument = invocation.ArgumentList.Arguments[0];
        ExpressionSyntax value = argument.Expression.WithoutTrivia();
        if (model.GetTypeInfo(argument.Expression, cancellationToken).Type?.SpecialType != SpecialType.System_Int32)
        {
            return value.ToFullString();   // a TimeSpan: Co.Sleep has that overload
        }

        Optional<object?> constant = model.GetConstantValue(argument.Expression, cancellationToken);
        if (constant.HasValue && constant.Value is int milliseconds)
        {
            if (milliseconds < 0)
            {
                return null;
            }

            string seconds = (milliseconds / 1000.0).ToString("R", CultureInfo.InvariantCulture);
            return seconds.IndexOf('.') < 0 && seconds.IndexOf('E') < 0 ? seconds + ".0" : seconds;
        }

        bool simple = value is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax
            or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax or LiteralExpressionSyntax;
        return (simple ? value.ToFullString() : "(" + value.ToFullString() + ")") + " / 1000.0";
    }
}
