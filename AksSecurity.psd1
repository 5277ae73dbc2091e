# Module manifest for AksSecurity. build.ps1 copies it into out/AksSecurity/<version>/ and sets ModuleVersion
# from Directory.Build.props (the one version number) and ReleaseNotes from CHANGELOG.md.
@{
    RootModule           = 'AksSecurity.dll'
    ModuleVersion        = '0.0.0'
    CompatiblePSEditions = @('Core')
    GUID                 = '5b0f6f0e-3c1d-4f0e-9a57-6a4f1b7e2c11'
    Author               = 'AksSecurity contributors'
    CompanyName          = 'AksSecurity'
    Copyright            = '(c) AksSecurity contributors. MIT licence.'
    Description          = 'Audit and harden Azure Kubernetes Service (AKS) clusters: API server access, Entra ID and RBAC, Azure Policy, Key Vault, monitoring, Defender, upgrades, and in-cluster tools, with reports for people and CI systems.'
    PowerShellVersion    = '7.4'
    RequiredAssemblies   = @('AksSecurity.Model.dll')
    FormatsToProcess     = @('AksSecurity.Format.ps1xml')
    CmdletsToExport      = @(
        'Connect-AksSecurity'
        'Disconnect-AksSecurity'
        'Get-AksSecurityContext'
        'Get-AksCluster'
        'Test-AksApiAccess'
        'Set-AksApiAccess'
        'Set-AksPolicyInitiative'
        'Get-AksPolicyCompliance'
        'Test-AksPolicy'
        'Enable-AksMonitoring'
        'Test-AksMonitoring'
        'Enable-AksDefender'
        'Test-AksDefender'
        'Test-AksAadRbac'
        'Enable-AksAadRbac'
        'Test-AksKeyVaultCsi'
        'Enable-AksKeyVaultCsi'
        'Test-AksUpgradePolicy'
        'Set-AksUpgradePolicy'
        'Test-AksClusterConfiguration'
        'Enable-AksWorkloadIdentity'
        'Enable-AksImageCleaner'
        'Set-AksNodeResourceGroupRestriction'
        'Disable-AksLegacyAddon'
        'Get-AksSecurityCheck'
        'Test-AksSecurity'
        'Assert-AksSecurity'
        'Export-AksSecurityReport'
        'Get-AksKubeConfig'
        'Invoke-AksKubeBench'
        'Install-AksFalco'
        'Uninstall-AksFalco'
        'Get-AksFalcoAlert'
        'New-AksSecretProviderClass'
        'Test-AksSecretStore'
        'Install-AksKured'
        'Get-AksKuredStatus'
        'Uninstall-AksKured'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AKS', 'Kubernetes', 'Azure', 'Security', 'Hardening', 'Audit', 'CIS', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            LicenseUri   = 'https://opensource.org/licenses/MIT'
            ProjectUri   = 'https://github.com/aks-security/AksSecurity'
            ReleaseNotes = ''
        }
    }
}
