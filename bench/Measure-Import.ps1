#Requires -Version 7.4
<#
.SYNOPSIS
    Benchmark: Import-Module time in a fresh pwsh against a bare pwsh start. Prints figures; asserts nothing.
#>
param(
    [int] $Runs = 5,
    [string] $ModulePath = (Get-ChildItem (Join-Path $PSScriptRoot '../out/AksSecurity/*/AksSecurity.psd1') | Select-Object -Last 1).FullName
)

function Measure-Start([string] $Command) {
    $times = foreach ($run in 1..$Runs) {
        (Measure-Command { & dotnet pwsh -NoProfile -NonInteractive -Command $Command | Out-Null }).TotalSeconds
    }
    ($times | Sort-Object)[[int][math]::Floor($Runs / 2)]
}

$bare = Measure-Start 'exit 0'
$import = Measure-Start "Import-Module '$ModulePath'; exit 0"
$firstUse = Measure-Start "Import-Module '$ModulePath'; `$null = Test-AksApiAccess -Path '$(Join-Path $PSScriptRoot '../examples/clusters/dev-open.json')'; exit 0"
'bare pwsh start {0:N3} s; with Import-Module {1:N3} s (+{2:N3} s); import and first offline test {3:N3} s (+{4:N3} s); medians of {5} runs' -f `
    $bare, $import, ($import - $bare), $firstUse, ($firstUse - $bare), $Runs
