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
        // Cleanup touches engine types, so it must run while the resolver still answers.
        SessionCleanup.OnRemove();
        AssemblyLoadContext.Default.Resolving -= ResolveEngine;
    }

    // By path, not by name: a missing engine must fail once with a clear message, not re-enter this handler.
    private static Assembly? ResolveEngine(AssemblyLoadContext defaultContext, AssemblyName name)
    {
        if (name.Name != ModuleLoadContext.EngineAssemblyName)
        {
            return null;
        }

        var path = Path.Combine(DependencyDirectory, name.Name + ".dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The AksSecurity module is incomplete: '{path}' is missing. Reinstall the module.", path);
        }

        return ModuleLoadContext.GetOrCreate(DependencyDirectory).LoadFromAssemblyPath(path);
    }
}
