<#
.SYNOPSIS
    The audit step of examples/pipelines/aks-security.yml: audits the AKS clusters, writes the reports for Azure DevOps
    and fails the step when findings at or above -FailOn remain.

.DESCRIPTION
    Runs in AzurePowerShell@5 (pwsh: true; the task's Az.Accounts sign-in is reused, nothing to connect) or in AzureCLI@2
    with -WorkloadIdentity (signs in through the workload-identity federation service connection: the task sets
    AZURESUBSCRIPTION_SERVICE_CONNECTION_ID / _CLIENT_ID / _TENANT_ID, the step maps SYSTEM_ACCESSTOKEN).
    - imports AksSecurity from -ModuleDirectory (the pipeline artifact holding the AksSecurity module folder);
    - Test-AksSecurity -All (or -SubscriptionId); a cluster that cannot be read is an error, and under Azure DevOps every
      error and warning of the module is also a ##vso[task.logissue] line in the run's summary;
    - NUnit (for PublishTestResults@2), SARIF (for the CodeAnalysisLogs artifact of the SARIF SAST Scans Tab), Markdown
      (attached to the run's summary with ##vso[task.uploadsummary]) and HTML into -OutputDirectory;
    - Assert-AksSecurity -FailOn: throws, so the step fails with a non-zero exit code, when findings at or above it remain.
#>
param(
    [Parameter(Mandatory)][string] $ModuleDirectory,
    [Parameter(Mandatory)][string] $OutputDirectory,
    [ValidateSet('Critical', 'High', 'Medium', 'Low')]
    [string] $FailOn = 'High',
    [string[]] $SubscriptionId,
    [string] $SuppressionPath,
    [switch] $WorkloadIdentity
)

$ErrorActionPreference = 'Stop'
$env:PSModulePath = $ModuleDirectory + [IO.Path]::PathSeparator + $env:PSModulePath
Import-Module AksSecurity
Write-Host "AksSecurity $((Get-Module AksSecurity).Version)"

if ($WorkloadIdentity) {
    Connect-AksSecurity -WorkloadIdentity | Out-Null
}

$audit = @{ All = $true; Sort = $true }
if ($SubscriptionId) { $audit.SubscriptionId = $SubscriptionId }
if ($SuppressionPath) { $audit.SuppressionPath = $SuppressionPath }
# One unreadable cluster must not hide the others: its error is logged and the audit goes on.
$results = @(Test-AksSecurity @audit -ErrorAction Continue)
Write-Host "Audited $($results.Count) cluster(s)."

$files = @($results | Export-AksSecurityReport -Path $OutputDirectory -Format NUnit, Sarif, Markdown, Html -Force -PassThru)
$summary = $files | Where-Object Extension -EQ '.md'
Write-Host "##vso[task.uploadsummary]$($summary.FullName)"

$results | Assert-AksSecurity -FailOn $FailOn
Write-Host "No finding at or above $FailOn."
