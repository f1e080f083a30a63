using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace YieldLoop.Analyzers;

/// <summary>
/// YL0003: <c>while (true)</c>, <c>for (;;)</c> or <c>do { } while (true)</c> in a coroutine body with no yield inside
/// and no way out (<c>break</c> of that loop, <c>return</c>, <c>throw</c>, <c>goto</c>): it holds the loop's thread forever.
/// The same loop in a method that returns a coroutine type but has no <c>yield</c> at all is reported too: that method is
/// not an iterator, so the loop runs (forever) at the call and the caller hangs.
/// </summary>
/// <remarks>Nested lambdas and local functions do not count, in either direction: a yield inside one belongs to it, and
/// a <c>return</c> inside one leaves only it. A method call that might throw is not a way out: the rule does not guess.
/// A method that is not an iterator and returns another method's coroutine (<c>return Patrol();</c>) is a way out like
/// any <c>return</c>.</remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class EndlessLoopAnalyzer : CoroutineAnalyzer
{
    /// <inheritdoc/>
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(Descriptors.EndlessLoop, Descriptors.EndlessLoopNotIterator);

    /// <inheritdoc/>
    private protected override void Register(CompilationStartAnalysisContext start, CoroutineTypes types) =>
        start.RegisterSyntaxNodeAction(
            c => AnalyzeLoop(c, types),
            SyntaxKind.WhileStatement,
            SyntaxKind.DoStatement,
            SyntaxKind.ForStatement);

    private static void AnalyzeLoop(SyntaxNodeAnalysisContext context, CoroutineTypes types)
    {
        (ExpressionSyntax? condition, StatementSyntax body, SyntaxToken keyword) = context.Node switch
        {
            WhileStatementSyntax loop => (loop.Condition, loop.Statement, loop.WhileKeyword),
            DoStatementSyntax loop => (loop.Condition, loop.Statement, loop.DoKeyword),
            ForStatementSyntax loop => (loop.Condition, loop.Statement, loop.ForKeyword),
            _ => (null, null!, default),
        };
        if (body is null || (condition is not null && !IsConstantTrue(condition, context.SemanticModel, context.CancellationToken)))
        {
            return;
        }

        if (CanYieldOrLeave(context.Node, body))
        {
            return;
        }

        IMethodSymbol? coroutine = Functions.EnclosingCoroutine(context.Node, context.SemanticModel, types, context.CancellationToken);
        if (coroutine is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.EndlessLoop, keyword.GetLocation(), coroutine.Name));
            return;
        }

        IMethodSymbol? notIterator = NonIteratorReturningCoroutine(Functions.Enclosing(context.Node), context.SemanticModel, types, context.CancellationToken);
        if (notIterator is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(Descriptors.EndlessLoopNotIterator, keyword.GetLocation(), notIterator.Name));
        }
    }

    /// <summary>The method, local function or accessor <paramref name="function"/> when it returns a coroutine type
    /// (<c>IEnumerator&lt;IAwaitable&gt;</c>, <c>IEnumerable&lt;IAwaitable&gt;</c>) but has no yield of its own, so its body
    /// runs at the call; otherwise <see langword="null"/>. A lambda is never an iterator and is not checked.</summary>
    private static IMethodSymbol? NonIteratorReturningCoroutine(SyntaxNode? function, SemanticModel model, CoroutineTypes types, System.Threading.CancellationToken cancellationToken)
    {
        if (function is not (BaseMethodDeclarationSyntax or LocalFunctionStatementSyntax or AccessorDeclarationSyntax)
            || Functions.IsIterator(function))
        {
            return null;
        }

        return model.GetDeclaredSymbol(function, cancellationToken) is IMethodSymbol method && types.IsCoroutineReturnType(method.ReturnType)
            ? method
            : null;
    }

    private static bool IsConstantTrue(ExpressionSyntax condition, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        Optional<object> value = model.GetConstantValue(condition, cancellationToken);
        return value.HasValue && value.Value is true;
    }

    /// <summary>Whether the loop body yields, or has a statement that leaves <paramref name="loop"/>.</summary>
    private static bool CanYieldOrLeave(SyntaxNode loop, StatementSyntax body)
    {
        foreach (SyntaxNode node in body.DescendantNodesAndSelf(n => n == body || !Functions.IsFunction(n)))
        {
            switch (node)
            {
                case YieldStatementSyntax:
                case ReturnStatementSyntax:
                case ThrowStatementSyntax:
                case ThrowExpressionSyntax:
                    return true;
                case GotoStatementSyntax gotoStatement when gotoStatement.IsKind(SyntaxKind.GotoStatement):
                    return true;
                case BreakStatementSyntax breakStatement when BreakTarget(breakStatement) == loop:
                    return true;
            }
        }

        return false;
    }

    /// <summary>The loop or switch a <c>break</c> leaves.</summary>
    private static SyntaxNode? BreakTarget(BreakStatementSyntax breakStatement)
    {
        for (SyntaxNode? node = breakStatement.Parent; node is not null; node = node.Parent)
        {
            if (node is WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax or CommonForEachStatementSyntax or SwitchStatementSyntax)
            {
                return node;
            }
        }

        return null;
    }
}
