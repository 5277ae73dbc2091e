using System.Reflection;
using System.Runtime.Loader;

namespace AksSecurity.LoadContext;

/// <summary>
/// The module's own AssemblyLoadContext. The engine and every Azure/Kubernetes dependency load here from Dependencies/,
/// so Az.Accounts' Azure.Core/Azure.Identity/MSAL in the default context never clash with ours (and ours never with theirs).
/// Anything not in Dependencies/ (the BCL, PowerShell, AksSecurity.Model) comes from the default context, so output types
/// are the same types that script sees.
/// </summary>
internal sealed class ModuleLoadContext : AssemblyLoadContext
{
    public const string EngineAssemblyName = "AksSecurity.Engine";

    private readonly string _dependencyDirectory;

    private ModuleLoadContext(string dependencyDirectory)
        : base("AksSecurity", isCollectible: false)
    {
        _dependencyDirectory = dependencyDirectory;
    }

    public static ModuleLoadContext? Instance { get; private set; }

    public static ModuleLoadContext GetOrCreate(string dependencyDirectory) => Instance ??= new ModuleLoadContext(dependencyDirectory);

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var path = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = Path.Combine(_dependencyDirectory, unmanagedDllName);
        return File.Exists(path) ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
    }
}
