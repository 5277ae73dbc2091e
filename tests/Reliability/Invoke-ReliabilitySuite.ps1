#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the reliability suite (tests/Reliability/*.Tests.ps1) against the built module and prints its four figures:
        faults: N injected, N survived as specified, 0 lost updates, 0 orphans
        leaks: 0 in N streams and M files
        bad inputs: N tried, N answered clearly, 0 crashes, 0 requests sent
        guards: N of N hold
.DESCRIPTION
    Started by 'build.ps1 Test' in a child pwsh whose SSL_CERT_FILE trusts the test servers' CA (see build.ps1), or by
    hand after a build with the same environment (AKSSECURITY_TESTSERVER_DLL, AKSSECURITY_TEST_CA_DIR, SSL_CERT_FILE).
    Exits 1 when a case fails or a figure that must be 0 is not; writes reliability-counts.json (Passed, Failed,
    Skipped) and reliability-figures.json to -ResultDirectory.
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Reliability/Invoke-ReliabilitySuite.ps1 -ResultDirectory out/test-results
#>
param(
    [Parameter(Mandatory)][string] $ResultDirectory,
    # Only these test files (names without .Tests.ps1), e.g. Faults; all by default.
    [string[]] $Part = @()
)

$ErrorActionPreference = 'Stop'
# 'Faults,Leaks' from a shell's -File call arrives as one string.
$Part = @($Part | ForEach-Object { $_ -split ',' } | Where-Object { $_ })
$PSStyle.OutputRendering = 'PlainText'
$packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
Import-Module (Join-Path $packages.Trim() 'pester/5.7.1/tools/Pester.psd1') -Force

New-Item -ItemType Directory -Force -Path $ResultDirectory | Out-Null
$figuresDirectory = Join-Path $ResultDirectory 'reliability'
if (Test-Path $figuresDirectory) { Remove-Item $figuresDirectory -Recurse -Force }
New-Item -ItemType Directory -Path $figuresDirectory | Out-Null
$env:AKSSECURITY_RELIABILITY_FIGURES = $figuresDirectory

$config = New-PesterConfiguration
$config.Run.Path = if ($Part) { $Part | ForEach-Object { Join-Path $PSScriptRoot "$_.Tests.ps1" } } else { $PSScriptRoot }
$config.Run.Exit = $false
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = Join-Path $ResultDirectory 'reliability.xml'

$result = try { Invoke-Pester -Configuration $config } catch { Write-Warning "Pester stopped: $_"; $null }
$counts = if ($result) {
    [pscustomobject]@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount; Skipped = $result.SkippedCount }
}
else { [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }

function Read-Figures([string] $Area) {
    $file = Join-Path $figuresDirectory "$Area.json"
    if (Test-Path $file) { Get-Content -Raw $file | ConvertFrom-Json }
}

# A part that did not run (or stopped before writing its figures) counts as a failure, not as zeros.
$regressions = [Collections.Generic.List[string]]::new()
$faults = Read-Figures 'faults'
$leaks = Read-Figures 'leaks'
$badInputs = Read-Figures 'badinputs'
$guards = Read-Figures 'guards'
$lines = @()
$parts = if ($Part) { $Part } else { 'Faults', 'Leaks', 'BadInput', 'Guards' }
if ('Faults' -in $parts) {
    if ($faults) {
        $lines += "faults: $($faults.Injected) injected, $($faults.Survived) survived as specified, $($faults.LostUpdates) lost updates, $($faults.Orphans) orphans"
        if ($faults.Survived -ne $faults.Injected -or $faults.Injected -ne $faults.Cases -or $faults.LostUpdates -or $faults.Orphans) { $regressions.Add('faults') }
    }
    else { $lines += 'faults: not measured'; $regressions.Add('faults') }
}
if ('Leaks' -in $parts) {
    if ($leaks) {
        $lines += "leaks: $($leaks.Leaks) in $($leaks.Streams) streams and $($leaks.Files) files"
        if ($leaks.Leaks -or -not $leaks.Streams) { $regressions.Add('leaks') }
    }
    else { $lines += 'leaks: not measured'; $regressions.Add('leaks') }
}
if ('BadInput' -in $parts) {
    if ($badInputs) {
        $lines += "bad inputs: $($badInputs.Tried) tried, $($badInputs.AnsweredClearly) answered clearly, $($badInputs.Crashes) crashes, $($badInputs.RequestsSent) requests sent"
        if ($badInputs.AnsweredClearly -ne $badInputs.Tried -or $badInputs.Crashes -or $badInputs.RequestsSent) { $regressions.Add('bad inputs') }
    }
    else { $lines += 'bad inputs: not measured'; $regressions.Add('bad inputs') }
}
if ('Guards' -in $parts) {
    if ($guards) {
        $lines += "guards: $($guards.Holding) of $($guards.Total) hold"
        if ($guards.Holding -ne $guards.Total -or -not $guards.Total) { $regressions.Add('guards') }
    }
    else { $lines += 'guards: not measured'; $regressions.Add('guards') }
}

[pscustomobject]@{ Faults = $faults; Leaks = $leaks; BadInputs = $badInputs; Guards = $guards } | ConvertTo-Json -Depth 5 |
    Set-Content (Join-Path $ResultDirectory 'reliability-figures.json')
if ($regressions.Count -gt 0 -and $counts.Failed -eq 0) {
    # A figure off while every case passed still fails CI.
    $counts.Failed = $regressions.Count
}
$counts | ConvertTo-Json | Set-Content (Join-Path $ResultDirectory 'reliability-counts.json')

Write-Host ''
$lines | ForEach-Object { Write-Host $_ }
if ($regressions.Count -gt 0) { Write-Host "Reliability regression in: $($regressions -join ', ')" }
if ($counts.Failed -gt 0 -or $regressions.Count -gt 0) { exit 1 }
