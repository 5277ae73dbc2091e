using System.Management.Automation;
using System.Text;
using AksSecurity.Engine.Kubernetes;
using AksSecurity.Engine.Tools.SecretStore;
using AksSecurity.Infrastructure;

namespace AksSecurity.Commands;

/// <summary>
/// Builds a SecretProviderClass for Azure Key Vault or HashiCorp Vault, validated before anything is sent, and applies it
/// to a cluster (server-side apply, -WhatIf shows the fields) or writes it to -OutFile.
/// </summary>
[Cmdlet(VerbsCommon.New, "AksSecretProviderClass", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(KubernetesObjectChange), typeof(FileInfo))]
public sealed class NewAksSecretProviderClassCommand : KubernetesChangeCmdlet
{
    private const string ToFileSet = "ToFile";
    private const string DefaultNamespace = "default";
    private SecretProviderClassDefinition? _definition;

    /// <summary>The class's name (-Name is the cluster's, as in every cluster cmdlet).</summary>
    [Parameter(Mandatory = true)]
    [Alias("SecretProviderClassName")]
    [ValidateNotNullOrEmpty]
    public string ClassName { get; set; } = "";

    [Parameter(Mandatory = true)]
    [ValidateSet("Azure", "Vault")]
    public string Provider { get; set; } = "";

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? KeyVaultName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? TenantId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ClientId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? UserAssignedIdentityId { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? VaultAddress { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? RoleName { get; set; }

    [Parameter(Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public object[] Object { get; set; } = Array.Empty<object>();

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SyncSecretName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Namespace { get; set; }

    [Parameter(Mandatory = true, ParameterSetName = ToFileSet)]
    [ValidateNotNullOrEmpty]
    public string OutFile { get; set; } = "";

    internal override IKubernetesInstallation CreateInstallation()
    {
        var provider = Enum.Parse<SecretStoreProvider>(Provider, ignoreCase: true);
        var items = Object.Select(o => o is PSObject wrapped ? wrapped.BaseObject : o).ToList();
        var request = new SecretProviderClassRequest
        {
            Name = ClassName,
            Namespace = ParameterSetName == ToFileSet ? Namespace : Namespace ?? DefaultNamespace,
            Provider = provider,
            KeyVaultName = KeyVaultName,
            TenantId = TenantId,
            ClientId = ClientId,
            UserAssignedIdentityId = UserAssignedIdentityId,
            KeyVaultObjects = provider == SecretStoreProvider.Azure ? items.Select(SecretObjectInput.ToKeyVaultObject).ToList() : Array.Empty<KeyVaultObject>(),
            VaultAddress = VaultAddress,
            RoleName = RoleName,
            VaultObjects = provider == SecretStoreProvider.Vault ? items.Select(SecretObjectInput.ToVaultObject).ToList() : Array.Empty<VaultObject>(),
            SyncSecretName = SyncSecretName,
        };
        _definition = SecretProviderClassBuilder.Build(request);
        foreach (var warning in _definition.Warnings)
        {
            WriteWarning(warning);
        }

        return new SecretProviderClassInstallation(request, Namespace ?? DefaultNamespace);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != ToFileSet)
        {
            base.ProcessRecord();
            return;
        }

        var file = SessionState.Path.GetUnresolvedProviderPathFromPSPath(OutFile);
        ForItem(file, () =>
        {
            if (Directory.Exists(file))
            {
                throw new AksSecurityException(AksErrorKind.InvalidArgument, $"'{file}' is a folder; -OutFile needs a file name.", file);
            }

            if (File.Exists(file) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"The file '{file}' exists. Use -Force to replace it."), "FileExists", ErrorCategory.ResourceExists, file));
                return;
            }

            if (!ShouldProcess(file, $"Write SecretProviderClass '{ClassName}'"))
            {
                return;
            }

            File.WriteAllText(file, _definition!.ToYaml(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            WriteObject(new FileInfo(file));
        });
    }
}
