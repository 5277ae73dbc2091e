#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests and packages AksSecurity.
.DESCRIPTION
    Tasks (run in order given; Test and Audit build first):
      Clean    removes out/ and every bin/obj folder
      Build    assembles the module under out/AksSecurity/<version>/ (cmdlets + model beside the manifest,
               engine and all its dependencies in Dependencies/), with format views and generated help
      Help     regenerates en-US/AksSecurity.dll-Help.xml from docs/cmdlets/ (part of Build)
      Test     runs every xunit and Pester test against the built module and its packages; prints 'N passed, N failed, N skipped'
      Audit    the main job: an offline audit of the example clusters in examples/clusters/
      Package  the Azure Automation zip and the PowerShell Gallery .nupkg under out/packages/
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 Test
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Clean', 'Build', 'Help', 'Test', 'Audit', 'Package')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$version = ([xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
$moduleDir = Join-Path $out "AksSecurity/$version"

function Invoke-Native {
    # Runs a native command and stops the build when it fails. A simple function, so '-c' and '-o' pass through as text.
    $command, $arguments = $args
    & $command @arguments
    if ($LASTEXITCODE -ne 0) { throw "'$command $($arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    foreach ($dir in @($out) + @(Get-ChildItem $root -Directory -Recurse -Include bin, obj | Where-Object FullName -NotMatch '[\\/]\.git[\\/]' | ForEach-Object FullName)) {
        if (Test-Path $dir) { Remove-Item $dir -Recurse -Force }
    }
}

function Invoke-Build {
    $staging = Join-Path $out 'staging'
    if (Test-Path $moduleDir) { Remove-Item $moduleDir -Recurse -Force }
    if (Test-Path $staging) { Remove-Item $staging -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $moduleDir, (Join-Path $moduleDir 'Dependencies') | Out-Null

    # The engine with every dependency (publish resolves them); the cmdlet assembly on its own.
    Invoke-Native dotnet publish (Join-Path $root 'src/AksSecurity.Engine/AksSecurity.Engine.csproj') -c $Configuration -o (Join-Path $staging 'engine') --nologo -v quiet
    Invoke-Native dotnet build (Join-Path $root 'src/AksSecurity/AksSecurity.csproj') -c $Configuration -o (Join-Path $staging 'cmdlets') --nologo -v quiet

    # The model is shared by both sides and must load once, in the default context: beside the manifest, never in Dependencies/.
    foreach ($name in 'AksSecurity.dll', 'AksSecurity.Model.dll') {
        Copy-Item (Join-Path $staging "cmdlets/$name") $moduleDir
    }
    Get-ChildItem (Join-Path $staging 'engine') -File |
        Where-Object { $_.Extension -in '.dll', '.so', '.dylib' -and $_.Name -ne 'AksSecurity.Model.dll' } |
        Copy-Item -Destination (Join-Path $moduleDir 'Dependencies')
    Copy-Item (Join-Path $root 'src/AksSecurity/AksSecurity.Format.ps1xml') $moduleDir

    $manifest = Get-Content -Raw (Join-Path $root 'AksSecurity.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion        = '$version'"
    $manifest = $manifest -replace "ReleaseNotes\s*=\s*''", "ReleaseNotes = '$((Get-ReleaseNotes) -replace "'", "''")'"
    Set-Content -Path (Join-Path $moduleDir 'AksSecurity.psd1') -Value $manifest -Encoding utf8NoBOM
    Remove-Item $staging -Recurse -Force

    Invoke-Help
    Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'build/New-CheckCatalogDoc.ps1') -ModulePath (Join-Path $moduleDir 'AksSecurity.psd1') -OutputPath (Join-Path $root 'docs/checks.md')
    Write-Host "Built AksSecurity $version -> $moduleDir"
}

function Get-ReleaseNotes {
    # The CHANGELOG section of this version.
    $changelog = Get-Content -Raw (Join-Path $root 'CHANGELOG.md')
    $match = [regex]::Match($changelog, "(?ms)^## \[?$([regex]::Escape($version))\]?[^\n]*\n(.*?)(?=^## |\z)")
    if ($match.Success) { $match.Groups[1].Value.Trim() } else { '' }
}

function Invoke-Help {
    $generator = Join-Path $root 'build/New-MamlHelp.ps1'
    # A child process, so the build's own session never holds the module's assemblies.
    Invoke-Native dotnet pwsh -NoProfile -NonInteractive -File $generator -ModulePath (Join-Path $moduleDir 'AksSecurity.psd1') `
        -DocsPath (Join-Path $root 'docs') -OutputPath (Join-Path $moduleDir 'en-US/AksSecurity.dll-Help.xml')
}

function Invoke-Test {
    $results = Join-Path $out 'test-results'
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    Get-ChildItem $results -File | Remove-Item -Force

    Invoke-Native dotnet restore (Join-Path $root 'build/TestDependencies.csproj') --nologo -v quiet
    Invoke-Native dotnet build (Join-Path $root 'AksSecurity.sln') -c $Configuration --nologo -v quiet

    # xunit: no PowerShell, the engine against in-process test servers.
    & dotnet test (Join-Path $root 'tests/AksSecurity.Engine.Tests/AksSecurity.Engine.Tests.csproj') -c $Configuration --no-build --nologo `
        --logger "trx;LogFileName=xunit.trx" --logger "console;verbosity=minimal" --results-directory $results
    $xunit = Read-TrxCounts (Join-Path $results 'xunit.trx')

    # Pester: the built module as users run it, in a child pwsh that trusts the test servers' CA.
    $caDir = Join-Path $out 'test-ca'
    $serverDll = Join-Path $root "tests/AksSecurity.TestServers/bin/$Configuration/net10.0/AksSecurity.TestServers.dll"
    Invoke-Native dotnet $serverDll --ca-only --ca-dir $caDir
    $env:AKSSECURITY_TESTSERVER_DLL = $serverDll
    $env:AKSSECURITY_TEST_CA_DIR = $caDir
    $env:AKSSECURITY_MODULE_PATH = Join-Path $moduleDir 'AksSecurity.psd1'
    $env:AKSSECURITY_REPO_ROOT = $root
    # The packages users install are tested too (Package.Tests.ps1).
    Invoke-Package
    $env:AKSSECURITY_PACKAGE_DIR = Join-Path $out 'packages'
    $saved = $env:SSL_CERT_FILE
    $env:SSL_CERT_FILE = Join-Path $caDir 'trust-bundle.pem'
    try {
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/Invoke-PesterSuite.ps1') -ResultDirectory $results
        # The reliability suite (faults, leaks, bad inputs, guards) prints its four figures; a figure off fails like a test.
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $root 'tests/Reliability/Invoke-ReliabilitySuite.ps1') -ResultDirectory $results
    }
    finally {
        $env:SSL_CERT_FILE = $saved
    }
    $countsFile = Join-Path $results 'pester-counts.json'
    $pester = if (Test-Path $countsFile) { Get-Content -Raw $countsFile | ConvertFrom-Json } else {
        Write-Warning 'Pester did not report its results.'
        [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }

    $reliabilityFile = Join-Path $results 'reliability-counts.json'
    $reliability = if (Test-Path $reliabilityFile) { Get-Content -Raw $reliabilityFile | ConvertFrom-Json } else {
        Write-Warning 'The reliability suite did not report its results.'
        [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }

    $passed = $xunit.Passed + $pester.Passed + $reliability.Passed
    $failed = $xunit.Failed + $pester.Failed + $reliability.Failed
    $skipped = $xunit.Skipped + $pester.Skipped + $reliability.Skipped
    Write-Host "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped; reliability: $($reliability.Passed) passed, $($reliability.Failed) failed, $($reliability.Skipped) skipped"
    Write-Host "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0 -or $passed -eq 0) { exit 1 }
}

function Read-TrxCounts([string] $path) {
    if (-not (Test-Path $path)) {
        Write-Warning "xunit wrote no results ($path)."
        return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 }
    }
    $counters = ([xml](Get-Content -Raw $path)).TestRun.ResultSummary.Counters
    [pscustomobject]@{
        Passed  = [int]$counters.passed
        Failed  = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        Skipped = [int]$counters.notExecuted
    }
}

function Invoke-Audit {
    # The main job: Test-AksSecurity offline on the example clusters, with the evidence beside them from examples/evidence:
    # a table per cluster, then its findings.
    $examples = Join-Path $root 'examples/clusters'
    $evidence = Join-Path $root 'examples/evidence'
    & dotnet pwsh -NoProfile -NonInteractive -Command "
        `$ErrorActionPreference = 'Stop'
        Import-Module '$(Join-Path $moduleDir 'AksSecurity.psd1')'
        `$results = @(Test-AksSecurity -Path '$examples/*.json' -EvidencePath '$evidence')
        foreach (`$result in `$results) {
            `$result | Format-Table | Out-String -Width 200
            `$result.Findings | Sort-Object @{ Expression = 'Severity'; Descending = `$true }, CheckId |
                Format-Table CheckId, Severity, Title -AutoSize | Out-String -Width 200
        }
        'Audited {0} cluster(s) offline with {1} checks: {2} verdicts, {3} findings, {4} skipped; mean score {5:N0}.' -f `$results.Count,
            @(Get-AksSecurityCheck).Count, (`$results | ForEach-Object { `$_.ChecksRun.Count } | Measure-Object -Sum).Sum,
            (`$results | ForEach-Object { `$_.Findings.Count } | Measure-Object -Sum).Sum, (`$results | ForEach-Object { `$_.Skipped.Count } | Measure-Object -Sum).Sum,
            (`$results | Measure-Object Score -Average).Average
    "
    if ($LASTEXITCODE -ne 0) { throw 'The audit failed to run.' }
}

function Invoke-Package {
    $packages = Join-Path $out 'packages'
    New-Item -ItemType Directory -Force -Path $packages | Out-Null
    # Azure Automation imports a zip whose root is the module folder.
    $zip = Join-Path $packages "AksSecurity-$version.zip"
    if (Test-Path $zip) { Remove-Item $zip }
    $zipStage = Join-Path $out 'zip-stage/AksSecurity'
    if (Test-Path (Split-Path $zipStage)) { Remove-Item (Split-Path $zipStage) -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $zipStage | Out-Null
    Copy-Item "$moduleDir/*" $zipStage -Recurse
    Compress-Archive -Path $zipStage -DestinationPath $zip
    Remove-Item (Split-Path $zipStage) -Recurse -Force
    Write-Host "Azure Automation package: $zip"

    $nupkg = New-GalleryPackage -Destination $packages
    Write-Host "PowerShell Gallery package: $nupkg"
}

function New-GalleryPackage([string] $Destination) {
    # PSResourceGet's Compress-PSResource packs exactly as Publish-PSResource does (nuspec from the manifest: id, version,
    # authors, description, tags with PSModule, releaseNotes, projectUrl, licenseUrl; the module's files at the package
    # root), without a repository. PowerShellGet's per-command tags are added after, as Publish-Module wrote them.
    $target = Join-Path $Destination "AksSecurity.$version.nupkg"
    if (Test-Path $target) { Remove-Item $target }
    # In a child pwsh whose PSResourceGet settings folder is under out/: on Linux and macOS it is XDG_DATA_HOME (else
    # ~/.local/share; .NET gives an empty path for a folder that does not exist, and PSResourceGet then writes into the
    # working folder), and packing must not touch the user's settings.
    $saved = $env:XDG_DATA_HOME
    if (-not $IsWindows) { $env:XDG_DATA_HOME = (New-Item -ItemType Directory -Force -Path (Join-Path $out 'psresourceget')).FullName }
    try {
        Invoke-Native dotnet pwsh -NoProfile -NonInteractive -Command "
            `$ErrorActionPreference = 'Stop'
            if (-not (Get-Command Compress-PSResource -ErrorAction SilentlyContinue)) {
                throw 'Compress-PSResource (Microsoft.PowerShell.PSResourceGet 1.1 or later, shipped with PowerShell 7.5+) is needed for the .nupkg.'
            }
            Compress-PSResource -Path '$moduleDir' -DestinationPath '$Destination'
        "
    }
    finally {
        $env:XDG_DATA_HOME = $saved
    }
    if (-not (Test-Path $target)) { throw "Compress-PSResource did not write $target." }

    $manifest = Import-PowerShellDataFile (Join-Path $moduleDir 'AksSecurity.psd1')
    $commandTags = @('PSIncludes_Cmdlet') + @($manifest.CmdletsToExport | ForEach-Object { "PSCmdlet_$_"; "PSCommand_$_" })
    Add-Type -AssemblyName System.IO.Compression
    $archive = [System.IO.Compression.ZipFile]::Open($target, [System.IO.Compression.ZipArchiveMode]::Update)
    try {
        # The tags live in the nuspec (<tags>) and in the package's core properties (<keywords>), space-separated.
        foreach ($entry in @($archive.Entries | Where-Object { $_.FullName -eq 'AksSecurity.nuspec' -or $_.FullName -like 'package/services/metadata/core-properties/*.psmdcp' })) {
            $reader = [IO.StreamReader]::new($entry.Open())
            $xml = [xml]$reader.ReadToEnd()
            $reader.Dispose()
            $node = if ($entry.FullName -like '*.nuspec') { $xml.package.metadata['tags'] } else { $xml.coreProperties['keywords'] }
            $node.InnerText = (@($node.InnerText -split ' ' | Where-Object { $_ }) + $commandTags | Select-Object -Unique) -join ' '
            $name = $entry.FullName
            $entry.Delete()
            $writer = [IO.StreamWriter]::new($archive.CreateEntry($name).Open(), [Text.UTF8Encoding]::new($false))
            $xml.Save($writer)
            $writer.Dispose()
        }
    }
    finally {
        $archive.Dispose()
    }
    $target
}

foreach ($name in $Task) {
    switch ($name) {
        'Clean' { Invoke-Clean }
        'Build' { Invoke-Build }
        'Help' { Invoke-Help }
        'Test' { if ($Task -notcontains 'Build') { Invoke-Build }; Invoke-Test }
        'Audit' { if ($Task -notcontains 'Build') { Invoke-Build }; Invoke-Audit }
        'Package' { if ($Task -notcontains 'Build') { Invoke-Build }; Invoke-Package }
    }
}
