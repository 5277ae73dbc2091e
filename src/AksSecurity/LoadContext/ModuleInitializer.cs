using System.Management.Automation;
using System.Reflection;
using System.Runtime.Loader;

namespace AksSecurity.LoadContext;

/// <summary>
/// Import: answer the default context's request for AksSecurity.Engine (and only that name) from the module's own
/// context. Remove: stop answering and drop the session's connection.
/// </summary>
public sealed class ModuleInitializer : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    private static readonly string DependencyDirectory =
        Path.Combine(Path.GetDirectoryName(typeof(ModuleInitializer).Assembly.Location)!, "Dependencies");

    public void OnImport()
    {
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        AssemblyLoadContext.Default.Resolving += ResolveEngine;
    }

    public void OnRemove(PSModuleInfo module)
    {
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
        SessionCleanup.OnRemove();
    }

    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name) =>
        name.Name == ModuleLoadContext.EngineAssemblyName
            ? ModuleLoadContext.GetOrCreate(DependencyDirectory).LoadFromAssemblyName(name)
            : null;
}
