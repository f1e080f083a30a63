using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace YieldLoop.Analyzers;

/// <summary>
/// Fixes YL0001. Inside a coroutine: "Yield it" (<c>yield return Co.Call(X());</c>, the child runs inline and the caller
/// waits for it) and "Start it as a task" (<c>EventLoop.Current!.Start(X());</c>, or a loop variable in scope). Outside a
/// coroutine: "Start it as a task" on an <c>EventLoop</c> variable in scope, when there is one.
/// </summary>
/// <remarks>Outside a coroutine nothing guarantees that <c>EventLoop.Current</c> is set, so no fix is offered there
/// without a loop in scope: a fix must produce code that compiles and runs.</remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DiscardedCoroutineCodeFixProvider)), Shared]
public sealed class DiscardedCoroutineCodeFixProvider : CodeFixProvider
{
    /// <summary>The equivalence key of the "yield it" fix.</summary>
    internal const string YieldKey = "YL0001.Yield";

    /// <summary>The equivalence key of the "start it as a task" fix.</summary>
    internal const string StartKey = "YL0001.Start";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(Descriptors.DiscardedCoroutine.Id);

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
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not InvocationExpressionSyntax invocation
                || FixSyntax.StatementOf(invocation) is not { } statement)
            {
                continue;
            }

            int position = statement.SpanStart;
            bool isCall = model.GetSymbolInfo(invocation, context.CancellationToken).Symbol is IMethodSymbol { Name: "Call" } method
                && SymbolEqualityComparer.Default.Equals(method.ContainingType, types.Co);
            string call = invocation.WithoutTrivia().ToFullString();
            string coroutine = isCall && invocation.ArgumentList.Arguments.Count == 1
                ? invocation.ArgumentList.Arguments[0].Expression.WithoutTrivia().ToFullString()
                : call;
            bool inCoroutine = Functions.EnclosingCoroutine(statement, model, types, context.CancellationToken) is not null;
            Document document = context.Document;

            if (inCoroutine)
            {
                string co = FixSyntax.TypeName(model, position, types.Co, "Co");
                string yielded = isCall ? call : co + ".Call(" + call + ")";
                string text = "yield return " + yielded + ";";
                context.RegisterCodeFix(
                    CodeAction.Create("Yield it: " + text, ct => Replace(document, root, statement, text, ct), YieldKey),
                    diagnostic);
            }

            string? loop = LoopInScope(model, position, types, context.CancellationToken);
            if (loop is null && inCoroutine)
            {
                loop = FixSyntax.TypeName(model, position, types.EventLoop, "EventLoop") + ".Current!";
            }

            if (loop is not null && (!isCall || invocation.ArgumentList.Arguments.Count == 1))
            {
                string text = loop + ".Start(" + coroutine + ");";
                context.RegisterCodeFix(
                    CodeAction.Create("Start it as a task: " + text, ct => Replace(document, root, statement, text, ct), StartKey),
                    diagnostic);
            }
        }
    }

    private static Task<Document> Replace(Document document, SyntaxNode root, StatementSyntax statement, string text, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(statement, FixSyntax.Statement(text, statement))));
    }

    /// <summary>The name of an <c>EventLoop</c> local, parameter, field or property usable at <paramref name="position"/>:
    /// locals and parameters first, as the closest owner of the code.</summary>
    private static string? LoopInScope(SemanticModel model, int position, CoroutineTypes types, CancellationToken cancellationToken)
    {
        if (types.EventLoop is null)
        {
            return null;
        }

        ISymbol? enclosing = model.GetEnclosingSymbol(position, cancellationToken);
        bool staticContext = enclosing is { IsStatic: true } || enclosing?.ContainingSymbol is IMethodSymbol { IsStatic: true };
        string? member = null;
        foreach (ISymbol symbol in model.LookupSymbols(position))
        {
            ITypeSymbol? type = symbol switch
            {
                ILocalSymbol local when DeclaredBefore(local, position) => local.Type,
                IParameterSymbol parameter => parameter.Type,
                IFieldSymbol field when field.IsStatic || !staticContext => field.Type,
                IPropertySymbol property when (property.IsStatic || !staticContext) && property.GetMethod is not null => property.Type,
                _ => null,
            };
            if (!SymbolEqualityComparer.Default.Equals(type, types.EventLoop))
            {
                continue;
            }

            if (symbol is ILocalSymbol or IParameterSymbol)
            {
                return symbol.Name;
            }

            member ??= symbol.Name;
        }

        return member;
    }

    private static bool DeclaredBefore(ILocalSymbol local, int position)
    {
        foreach (SyntaxReference reference in local.DeclaringSyntaxReferences)
        {
            if (reference.Span.End <= position)
            {
                return true;
            }
        }

        return false;
    }
}
