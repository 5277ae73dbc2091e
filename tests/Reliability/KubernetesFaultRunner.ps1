#Requires -Version 7.4
<#
.SYNOPSIS
    One lane of the in-cluster faults matrix (KubernetesMatrix.ps1): a fake ARM and fake Kubernetes API server of its
    own, the lane's share of the cases one after another, one JSON line per case to -ResultFile. Faults.Tests.ps1 starts
    several lanes at once, as processes, so cases that each reset the fake cluster still run in parallel.
#>
param(
    [Parameter(Mandatory)][int] $Lane,
    [Parameter(Mandatory)][int] $Lanes,
    [Parameter(Mandatory)][string] $WorkDirectory,
    [Parameter(Mandatory)][string] $ResultFile
)

$ErrorActionPreference = 'Stop'
. (Join-Path $PSScriptRoot 'Common.ps1')
. (Join-Path $PSScriptRoot 'KubernetesMatrix.ps1')
Import-Module $ModulePath
New-Item -ItemType Directory -Force -Path $WorkDirectory | Out-Null
$script:Arm = Start-FakeArm
try {
    $script:KubeConfigPath = (New-FakeKubeConfig -Path (Join-Path $WorkDirectory "lane$Lane.kubeconfig") -ClientCertificate).FullName
    # The cmdlet under test runs in a runspace of its own, so Ctrl+C (PowerShell.Stop) reaches it alone.
    $state = [initialsessionstate]::CreateDefault2()
    $state.ImportPSModule($ModulePath)
    $worker = [runspacefactory]::CreateRunspace($state)
    $worker.Open()
    $mine = @(Get-KubernetesWork | Where-Object { (Get-KubernetesLane $_ $Lanes) -eq $Lane })
    $baselines = @{}
    foreach ($item in $mine) {
        if (-not $baselines.ContainsKey($item.Command)) { $baselines[$item.Command] = Get-ToolBaseline $item.Row $worker }
        $result = try { Invoke-KubernetesCase $item $baselines[$item.Command] $worker }
        catch {
            [pscustomobject]@{ Key = $item.Key; Command = $item.Command; Case = $item.CaseName; Injected = $false; Survived = $false
                Problems = @("the case itself failed: $_ $($_.ScriptStackTrace)"); LostUpdate = $false; Orphans = @(); Seconds = 0 }
        }
        Add-Content -LiteralPath $ResultFile -Value (ConvertTo-Json -InputObject $result -Compress -Depth 5)
    }
    $worker.Dispose()
}
finally {
    Stop-FakeArm $Arm
}
