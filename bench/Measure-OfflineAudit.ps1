#Requires -Version 7.4
<#
.SYNOPSIS
    Benchmark: offline audit throughput and memory. Prints figures; asserts nothing.
.DESCRIPTION
    Generates -Count cluster documents from the example clusters (varying their authorized ranges and run command),
    writes them as separate files, then times Test-AksSecurity -Path (every check of the catalogue) over them in a fresh
    pwsh after import, counting results as they stream.
    Run after 'build.ps1 Build':  dotnet pwsh ./bench/Measure-OfflineAudit.ps1 -Count 1000
#>
param(
    [int] $Count = 1000,
    [string] $ModulePath = (Get-ChildItem (Join-Path $PSScriptRoot '../out/AksSecurity/*/AksSecurity.psd1') | Select-Object -Last 1).FullName
)

$ErrorActionPreference = 'Stop'
$work = Join-Path ([IO.Path]::GetTempPath()) "aks-bench-$PID"
New-Item -ItemType Directory -Path $work | Out-Null
try {
    $templates = Get-ChildItem (Join-Path $PSScriptRoot '../examples/clusters') -Filter '*.json' |
        ForEach-Object { Get-Content -Raw $_ | ConvertFrom-Json -AsHashtable } | Where-Object { $_.properties }
    for ($i = 0; $i -lt $Count; $i++) {
        $doc = $templates[$i % $templates.Count] | ConvertTo-Json -Depth 50 | ConvertFrom-Json -AsHashtable
        $doc.name = "bench-$i"
        $doc.id = $doc.id -replace '/managedClusters/[^/]+$', "/managedClusters/bench-$i"
        if (-not $doc.properties.enablePrivateCluster) {
            $doc.properties.apiServerAccessProfile = @{ authorizedIPRanges = @("20.$($i % 250).0.0/$(16 + $i % 17)"); disableRunCommand = ($i % 2 -eq 0) }
        }
        $doc | ConvertTo-Json -Depth 50 -Compress | Set-Content (Join-Path $work "cluster-$i.json")
    }

    $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
`$null = Test-AksSecurity -Path '$(Join-Path $work 'cluster-0.json')'   # warm up
[GC]::Collect()
`$before = [Diagnostics.Process]::GetCurrentProcess().WorkingSet64
`$sw = [Diagnostics.Stopwatch]::StartNew()
`$findings = 0
Test-AksSecurity -Path '$(Join-Path $work '*.json')' | ForEach-Object { `$findings += `$_.Findings.Count }
`$sw.Stop()
`$process = [Diagnostics.Process]::GetCurrentProcess()
'{0} {1} {2} {3}' -f `$sw.Elapsed.TotalSeconds, `$findings, `$process.PeakWorkingSet64, `$before
"@
    $figures = (& dotnet pwsh -NoProfile -NonInteractive -Command $script | Select-Object -Last 1) -split ' '
    $seconds = [double]$figures[0]
    '{0} documents in {1:N3} s: {2:N0} documents/s, {3} findings, peak working set {4:N0} MiB (after import {5:N0} MiB)' -f `
        $Count, $seconds, ($Count / $seconds), $figures[1], ([double]$figures[2] / 1MB), ([double]$figures[3] / 1MB)
}
finally {
    Remove-Item $work -Recurse -Force
}
