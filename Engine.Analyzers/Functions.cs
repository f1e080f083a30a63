using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace YieldLoop.Analyzers;

/// <summary>Syntax helpers about the function (method, local function, accessor, lambda) a node belongs to.</summary>
/// <remarks>Roslyn 3.7 (the analyzers' floor, for Unity) has no <c>IMethodSymbol.IsIterator</c>, so "is an iterator" is
/// read from the syntax: a function is an iterator when a <c>yield</c> statement belongs to it rather than to a nested
/// lambda or local function.</remarks>
internal static class Functions
{
    /// <summary>Whether <paramref name="node"/> starts a new function body (code inside it runs at another time).</summary>
    public static bool IsFunction(SyntaxNode node) => node
        is AnonymousFunctionExpressionSyntax
        or LocalFunctionStatementSyntax
        or BaseMethodDeclarationSyntax
        or AccessorDeclarationSyntax
        or ArrowExpressionClauseSyntax { Parent: BasePropertyDeclarationSyntax }
        or BaseTypeDeclarationSyntax;

    /// <summary>The innermost function containing <paramref name="node"/> (the node itself excluded).</summary>
    public static SyntaxNode? Enclosing(SyntaxNode node)
    {
        for (SyntaxNode? current = node.Parent; current is not null; current = current.Parent)
        {
            if (IsFunction(current))
            {
                return current is ArrowExpressionClauseSyntax arrow ? arrow.Parent : current;
            }
        }

        return null;
    }

    /// <summary>Whether <paramref name="function"/> (a method, local function or accessor) contains a yield of its own.</summary>
    public static bool IsIterator(SyntaxNode function)
    {
        SyntaxNode? body = function switch
        {
            BaseMethodDeclarationSyntax method => method.Body,
            LocalFunctionStatementSyntax local => local.Body,
            AccessorDeclarationSyntax accessor => accessor.Body,
            _ => null,
        };
        if (body is null)
        {
            return false;
        }

        foreach (SyntaxNode node in body.DescendantNodes(descendIntoChildren: n => n == body || !IsFunction(n)))
        {
            if (node is YieldStatementSyntax)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The symbol of an iterator function, or <see langword="null"/> when it is not an iterator.</summary>
    public static IMethodSymbol? IteratorSymbol(SyntaxNode? function, SemanticModel model, System.Threading.CancellationToken cancellationToken)
    {
        if (function is null || !IsIterator(function))
        {
            return null;
        }

        return model.GetDeclaredSymbol(function, cancellationToken) as IMethodSymbol;
    }

    /// <summary>The coroutine whose body directly contains <paramref name="node"/> (not through a lambda or local
    /// function), or <see langword="null"/>.</summary>
    public static IMethodSymbol? EnclosingCoroutine(SyntaxNode node, SemanticModel model, CoroutineTypes types, System.Threading.CancellationToken cancellationToken)
    {
        IMethodSymbol? method = IteratorSymbol(Enclosing(node), model, cancellationToken);
        return method is not null && types.IsCoroutineReturnType(method.ReturnType) ? method : null;
    }
}
