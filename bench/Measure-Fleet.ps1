#Requires -Version 7.4
<#
.SYNOPSIS
    Benchmark: a fleet of clusters in the fake ARM with added latency, listed (and audited) through Resource Graph
    against a plain loop over the subscriptions. Prints figures; asserts nothing.
.DESCRIPTION
    Starts the fake ARM (tests/AksSecurity.TestServers) out of process, seeds -SubscriptionCount subscriptions of
    -ClustersPerSubscription clusters each (plus the fake's 2 seed subscriptions with 4 clusters), adds -LatencyMs to
    every ARM request, then times in this one run:
      - Get-AksCluster -All                     against  foreach subscription: Get-AksCluster -SubscriptionId
      - Test-AksSecurity -All (when the module has it)  against  foreach subscription: Get-AksCluster -SubscriptionId | Test-AksSecurity
    The Resource Graph figures are the median of -Runs runs after a warm-up run; a loop, dominated by latency (about
    2 minutes for the audit loop at the defaults), runs once after a one-subscription warm-up. The loop is given the
    subscription ids (it does not list them). Run after 'build.ps1 Build':
      dotnet pwsh ./bench/Measure-Fleet.ps1
#>
param(
    [int] $SubscriptionCount = 100,
    [int] $ClustersPerSubscription = 10,
    [int] $LatencyMs = 100,
    [int] $Runs = 3,
    [string] $ModulePath = (Get-ChildItem (Join-Path $PSScriptRoot '../out/AksSecurity/*/AksSecurity.psd1') | Select-Object -Last 1).FullName
)

$ErrorActionPreference = 'Stop'
$root = Resolve-Path (Join-Path $PSScriptRoot '..')
if (-not $ModulePath -or -not (Test-Path $ModulePath)) { throw "The built module was not found; run 'build.ps1 Build' first." }

# .NET on Linux reads its trusted roots at start-up: the measuring pwsh starts with the fake's CA bundle in SSL_CERT_FILE.
if (-not $env:AKSSECURITY_FLEET_BENCH_CHILD) {
    $serverDll = @('Release', 'Debug') | ForEach-Object { Join-Path $root "tests/AksSecurity.TestServers/bin/$_/net10.0/AksSecurity.TestServers.dll" } |
        Where-Object { Test-Path $_ } | Select-Object -First 1
    if (-not $serverDll) { throw "AksSecurity.TestServers.dll not found: run 'dotnet build tests/AksSecurity.TestServers -c Release' first." }
    $caDir = Join-Path ([IO.Path]::GetTempPath()) 'aks-security-bench-ca'
    $bundle = & dotnet $serverDll --ca-dir $caDir --ca-only
    if ($LASTEXITCODE -ne 0) { throw "Could not create the test CA in $caDir." }
    $env:AKSSECURITY_FLEET_BENCH_CHILD = '1'
    $env:AKSSECURITY_TESTSERVER_DLL = $serverDll
    $env:AKSSECURITY_TEST_CA_DIR = $caDir
    $env:SSL_CERT_FILE = $bundle
    & dotnet pwsh -NoProfile -NonInteractive -File $PSCommandPath -SubscriptionCount $SubscriptionCount -ClustersPerSubscription $ClustersPerSubscription `
        -LatencyMs $LatencyMs -Runs $Runs -ModulePath $ModulePath
    exit $LASTEXITCODE
}

Import-Module (Join-Path $root 'tests/Pester/FakeArm.psm1')
Import-Module $ModulePath
$arm = Start-FakeArm
try {
    $fleet = @(Initialize-FakeArmFleet -SubscriptionCount $SubscriptionCount -ClustersPerSubscription $ClustersPerSubscription)
    $subscriptions = @('00000000-0000-0000-0000-000000000000', '11111111-1111-1111-1111-111111111111') + $fleet
    Set-FakeArmOption @{ latencyMs = $LatencyMs }
    $null = Connect-AksSecurity -AccessToken (ConvertTo-SecureString 'bench-token' -AsPlainText -Force) -ArmEndpoint $arm.ArmEndpoint -Subscription $fleet[0]

    function Measure-Median([scriptblock] $Work, [scriptblock] $WarmUp = $Work, [int] $Times = $Runs) {
        $null = & $WarmUp
        $samples = foreach ($run in 1..$Times) {
            Clear-FakeArmRequest
            $stopwatch = [Diagnostics.Stopwatch]::StartNew()
            $count = @(& $Work).Count
            $stopwatch.Stop()
            [pscustomobject]@{ Seconds = $stopwatch.Elapsed.TotalSeconds; Objects = $count; Requests = @(Get-FakeArmRequest).Count }
        }
        $samples | Sort-Object Seconds | Select-Object -Index ([int][math]::Floor($Times / 2))
    }

    function Write-Comparison([string] $Name, $Fleet, $Loop) {
        '{0,-36} {1,7:N2} s  {2,5} objects  {3,4} requests' -f "$Name (Resource Graph)", $Fleet.Seconds, $Fleet.Objects, $Fleet.Requests
        '{0,-36} {1,7:N2} s  {2,5} objects  {3,4} requests' -f "$Name (subscription loop)", $Loop.Seconds, $Loop.Objects, $Loop.Requests
        '{0,-36} {1,7:N1}x faster' -f "$Name ratio", ($Loop.Seconds / $Fleet.Seconds)
    }

    "Fleet: {0} clusters in {1} subscriptions, {2} ms added to every ARM request, median of {3} runs (loops: 1 run), {4} cores" -f `
        (($SubscriptionCount * $ClustersPerSubscription) + 4), $subscriptions.Count, $LatencyMs, $Runs, [Environment]::ProcessorCount

    $listAll = Measure-Median { Get-AksCluster -All }
    $listLoop = Measure-Median -Times 1 -WarmUp { Get-AksCluster -SubscriptionId $fleet[0] } -Work {
        foreach ($subscription in $subscriptions) { Get-AksCluster -SubscriptionId $subscription }
    }
    Write-Comparison 'Get-AksCluster' $listAll $listLoop

    if (Get-Command Test-AksSecurity -ParameterName All -ErrorAction SilentlyContinue) {
        $auditAll = Measure-Median { Test-AksSecurity -All }
        $auditLoop = Measure-Median -Times 1 -WarmUp { Get-AksCluster -SubscriptionId $fleet[0] | Test-AksSecurity } -Work {
            foreach ($subscription in $subscriptions) { Get-AksCluster -SubscriptionId $subscription | Test-AksSecurity }
        }
        Write-Comparison 'Test-AksSecurity' $auditAll $auditLoop
    }
    else {
        'Test-AksSecurity -All is not in this build of the module: only the listing was measured.'
    }
}
finally {
    Disconnect-AksSecurity
    Stop-FakeArm $arm
}
