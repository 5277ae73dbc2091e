# Shared setup of the Pester suite, dot-sourced in each file's BeforeAll: where the built module is, the fake ARM
# helpers, and a way to connect to the fake with a token of the test's choosing.
$script:RepoRoot = if ($env:AKSSECURITY_REPO_ROOT) { $env:AKSSECURITY_REPO_ROOT } else { (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path }
$script:ModulePath = if ($env:AKSSECURITY_MODULE_PATH) { $env:AKSSECURITY_MODULE_PATH } else {
    (Get-ChildItem (Join-Path $RepoRoot 'out/AksSecurity/*/AksSecurity.psd1') | Sort-Object FullName | Select-Object -Last 1).FullName
}
if (-not $ModulePath -or -not (Test-Path $ModulePath)) { throw "The built module was not found; run 'build.ps1 Build' first." }
$script:ExamplesDirectory = Join-Path $RepoRoot 'examples/clusters'
$script:Sub0 = '00000000-0000-0000-0000-000000000000'
$script:Sub1 = '11111111-1111-1111-1111-111111111111'
Import-Module (Join-Path $PSScriptRoot 'FakeArm.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'FakeKubernetes.psm1') -Force

function Get-ClusterId([string] $ResourceGroup, [string] $Name, [string] $Subscription = $Sub0) {
    "/subscriptions/$Subscription/resourceGroups/$ResourceGroup/providers/Microsoft.ContainerService/managedClusters/$Name"
}

function Connect-FakeArm([string] $Token = 'pester-token', [string] $Subscription = $Sub0, $Server = $null) {
    $endpoint = if ($Server) { $Server.ArmEndpoint } else { $script:Arm.ArmEndpoint }
    Connect-AksSecurity -AccessToken (ConvertTo-SecureString $Token -AsPlainText -Force) -ArmEndpoint $endpoint -Subscription $Subscription -MaxRetryCount 1
}

function Get-HostOutput([scriptblock] $ScriptBlock) {
    # -WhatIf text and Write-Host-style messages go to the host, which only a transcript captures.
    $file = [IO.Path]::GetTempFileName()
    Start-Transcript -Path $file -Force | Out-Null
    try { & $ScriptBlock *>&1 | Out-Host } finally { Stop-Transcript | Out-Null }
    $text = Get-Content -Raw $file
    Remove-Item $file
    $text
}
