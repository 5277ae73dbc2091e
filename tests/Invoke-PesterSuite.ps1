#Requires -Version 7.4
<#
.SYNOPSIS
    Runs every Pester test under tests/Pester against the built module and writes its counts for build.ps1.
.NOTES
    Started by 'build.ps1 Test' in a child pwsh whose SSL_CERT_FILE trusts the test servers' CA.
#>
param([Parameter(Mandatory)][string] $ResultDirectory)

$ErrorActionPreference = 'Stop'
# Plain text: ANSI escapes in failure messages are not valid XML in the NUnit report.
$PSStyle.OutputRendering = 'PlainText'
$packages = (& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', ''
Import-Module (Join-Path $packages.Trim() 'pester/5.7.1/tools/Pester.psd1') -Force

$config = New-PesterConfiguration
$config.Run.Path = Join-Path $PSScriptRoot 'Pester'
$config.Run.Exit = $false
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'

try {
    $result = Invoke-Pester -Configuration $config
}
catch {
    # A failing report writer must not hide the counts; Pester keeps the run in $result only when it returns.
    Write-Warning "Pester stopped: $_"
    $result = $null
}

$counts = if ($result) {
    [pscustomobject]@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount; Skipped = $result.SkippedCount }
}
else {
    [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
}
$counts | ConvertTo-Json | Set-Content (Join-Path $ResultDirectory 'pester-counts.json')

# The NUnit report comes last and on its own, so a report problem never costs the counts.
if ($result) {
    try { $result | Export-NUnitReport -Path (Join-Path $ResultDirectory 'pester.xml') -Format NUnit3 }
    catch { Write-Warning "Could not write the NUnit report: $_" }
}
