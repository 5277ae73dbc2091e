<#
.SYNOPSIS
    Azure Automation runbook (PowerShell 7.4 runtime): audits every AKS cluster the Automation account's managed
    identity can see, keeps the report, and fails the job when findings at or above -FailOn remain.

.DESCRIPTION
    1. Signs in with the Automation account's managed identity (system-assigned, or user-assigned with -ClientId).
    2. Runs Test-AksSecurity -All (every subscription the identity can read, through Azure Resource Graph), or only
       -SubscriptionId. A cluster that cannot be read is an error in the job's error stream; the others are audited.
    3. Uploads the HTML, JSON and Markdown reports to -StorageContainerUri (aks-security/<UTC date>/<time>/…), with the
       same identity, or, without it, writes the Markdown report to the output stream.
    4. Assert-AksSecurity throws when findings at or above -FailOn remain, so the job ends as Failed (and its
       exception lists them). Under the threshold the job completes.

    The identity needs Reader (or Azure Kubernetes Service Cluster User Role plus Reader) on the subscriptions, and
    Storage Blob Data Contributor on the container for uploads. See docs/azure-automation.md.

.PARAMETER ClientId
    Client id of a user-assigned managed identity; empty for the system-assigned one.

.PARAMETER SubscriptionId
    Subscriptions to audit; by default every subscription the identity can see.

.PARAMETER StorageContainerUri
    https://<account>.blob.core.windows.net/<container> to upload the reports to; by default the Markdown report goes
    to the output stream.

.PARAMETER FailOn
    The job fails when a finding of this severity or higher remains (Critical, High, Medium, Low).
#>
param(
    [string] $ClientId,
    [string[]] $SubscriptionId,
    [string] $StorageContainerUri,
    [ValidateSet('Critical', 'High', 'Medium', 'Low')]
    [string] $FailOn = 'High'
)

$ErrorActionPreference = 'Stop'
Import-Module AksSecurity

$connect = @{ Identity = $true }
if ($ClientId) { $connect.ClientId = $ClientId }
$context = Connect-AksSecurity @connect
Write-Output "Signed in with the managed identity ($($context.AuthenticationMethod)) to $($context.Environment)."

$audit = @{ All = $true; Sort = $true }
if ($SubscriptionId) { $audit.SubscriptionId = $SubscriptionId }
# One unreadable cluster must not end the audit of the others: its error goes to the error stream.
$results = @(Test-AksSecurity @audit -ErrorAction Continue)
Write-Output "Audited $($results.Count) cluster(s)."
Write-Output ($results | Format-Table ClusterName, Score, Passed, @{ n = 'Findings'; e = { $_.Findings.Count } }, Source -AutoSize | Out-String -Width 200)

if ($StorageContainerUri) {
    $prefix = 'aks-security/{0:yyyy-MM-dd}/{0:HHmmss}/' -f [DateTime]::UtcNow
    foreach ($blob in ($results | Export-AksSecurityReport -BlobContainerUri $StorageContainerUri -BlobNamePrefix $prefix -Format Html, Json, Markdown -PassThru)) {
        Write-Output "Report uploaded: $blob"
    }
}
else {
    $folder = Join-Path ([IO.Path]::GetTempPath()) "aks-security-$([guid]::NewGuid().ToString('N'))"
    $file = $results | Export-AksSecurityReport -Path $folder -Format Markdown -PassThru
    Write-Output (Get-Content -Raw -LiteralPath $file.FullName)
    Remove-Item -LiteralPath $folder -Recurse -Force
}

# Throws (the job fails) when findings at or above the threshold remain.
$results | Assert-AksSecurity -FailOn $FailOn
Write-Output "No finding at or above $FailOn."
