using System.Runtime.CompilerServices;

namespace AksSecurity.LoadContext;

/// <summary>Kept apart from <see cref="ModuleInitializer"/> so that touching the engine happens only after the resolver is in place.</summary>
internal static class SessionCleanup
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OnRemove()
    {
        if (ModuleLoadContext.Instance is not null)
        {
            Engine.Azure.AksSession.Clear();
            Infrastructure.AzAccountsBridge.Forget();
            Completers.CompletionCache.Clear();
        }
    }
}
