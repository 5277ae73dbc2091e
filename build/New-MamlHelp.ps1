#Requires -Version 7.2
<#
.SYNOPSIS
    Generates the module's MAML help (<Dll>-Help.xml) and about_*.help.txt from the markdown pages in docs/.

.DESCRIPTION
    Imports the built module in a child PowerShell process (Start-Job; this process never loads its DLLs), reads
    docs/cmdlets/<Verb-Noun>.md for every exported cmdlet, and writes one MAML file that Get-Help reads. Parameter
    facts (type, sets, mandatory, position, pipeline input, aliases, wildcards, valid values) come from the compiled
    cmdlets; text (synopsis, description, examples, parameter descriptions, inputs, outputs, notes, links) from the
    pages. Every about_*.md found (see -DocsPath) becomes about_*.help.txt beside the MAML file.

    Fails (terminating error listing every problem, one per line) when an exported cmdlet has no page, a page has
    no SYNOPSIS or no example (or an example without code), a cmdlet parameter (other than common parameters and
    WhatIf/Confirm) has no '### -Name' description, or a page documents a parameter the cmdlet does not have.

    The parsing and writing functions live in HelpMarkdown.psm1 beside this script.

.PARAMETER ModulePath
    The built module's manifest (.psd1) or DLL, e.g. out/AksSecurity/0.1.0/AksSecurity.psd1.

.PARAMETER DocsPath
    The folder of cmdlet pages (docs/cmdlets), or the docs folder that holds a cmdlets/ folder. about_*.md files
    are read from that folder and its parent (docs/cmdlets -> also docs/), or from docs/ itself.

.PARAMETER OutputPath
    The MAML file to write (…/en-US/AksSecurity.dll-Help.xml) or the folder to write it into (…/en-US). Its file
    name must be the one Get-Help looks for: the cmdlets' DLL name + '-Help.xml'; when a folder is given that
    name is used.

.EXAMPLE
    ./build/New-MamlHelp.ps1 -ModulePath out/AksSecurity/0.1.0/AksSecurity.psd1 -DocsPath docs/cmdlets -OutputPath out/AksSecurity/0.1.0/en-US/AksSecurity.dll-Help.xml
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)][string]$ModulePath,
    [Parameter(Mandatory)][string]$DocsPath,
    [Parameter(Mandatory)][string]$OutputPath
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
Import-Module (Join-Path $PSScriptRoot 'HelpMarkdown.psm1') -Force

if (-not (Test-Path -LiteralPath $ModulePath)) { throw "New-MamlHelp: module not found: $ModulePath" }
if (-not (Test-Path -LiteralPath $DocsPath -PathType Container)) { throw "New-MamlHelp: docs folder not found: $DocsPath" }
$DocsPath = (Resolve-Path -LiteralPath $DocsPath).ProviderPath

# Where the pages are, and where about_*.md may be.
$cmdletDir = $DocsPath
$aboutDirs = @($DocsPath, (Split-Path -Parent $DocsPath))
if (Test-Path -LiteralPath (Join-Path $DocsPath 'cmdlets') -PathType Container) {
    $cmdletDir = Join-Path $DocsPath 'cmdlets'
    $aboutDirs = @($DocsPath, $cmdletDir)
}

$module = Get-ModuleCmdletHelpFact -ModulePath $ModulePath
$facts = @($module.Cmdlets)
$problems = [System.Collections.Generic.List[string]]::new()
if ($facts.Count -eq 0) { $problems.Add("module '$($module.ModuleName)' ($ModulePath) exports no cmdlets") }

# The help file name Get-Help looks for: <the cmdlets' DLL file name>-Help.xml.
$helpFiles = @($facts | ForEach-Object HelpFile | Where-Object { $_ } | Sort-Object -Unique)
$outDir = $null; $outFile = $null
if ($helpFiles.Count -gt 1) {
    $problems.Add("cmdlets come from several assemblies ($($helpFiles -join ', ')); this generator writes one help file")
}
elseif ($helpFiles.Count -eq 1) {
    $expected = $helpFiles[0]
    if ([System.IO.Path]::GetExtension($OutputPath) -eq '.xml') {
        $outDir = Split-Path -Parent $OutputPath
        $outFile = Split-Path -Leaf $OutputPath
        if ($outFile -ne $expected) {
            $problems.Add("output file '$outFile' is not the name Get-Help looks for: '$expected' (the cmdlets' DLL name + '-Help.xml')")
        }
    }
    else {
        $outDir = $OutputPath; $outFile = $expected
    }
}
if (-not $outDir) { $outDir = '.' }

# Pages, checked against the cmdlets.
$entries = [System.Collections.Generic.List[object]]::new()
foreach ($f in $facts) {
    $pagePath = Join-Path $cmdletDir "$($f.Name).md"
    if (-not (Test-Path -LiteralPath $pagePath -PathType Leaf)) {
        $problems.Add("$($f.Name): no help page (expected $pagePath)")
        continue
    }
    try {
        $page = ConvertFrom-HelpMarkdown -Path $pagePath
    }
    catch {
        $problems.Add("$($f.Name) ($pagePath): could not read the page: $($_.Exception.Message)")
        continue
    }
    foreach ($w in $page.Warnings) { Write-Warning "$($f.Name) ($pagePath): $w" }
    if ($page.Title -and $page.Title -ne $f.Name) { Write-Warning "$($f.Name) ($pagePath): the page's title is '# $($page.Title)'" }
    foreach ($p in (Test-CmdletHelpPage -Fact $f -Page $page)) { $problems.Add($p) }
    $entries.Add([pscustomobject]@{ Fact = $f; Page = $page })
}

# Pages that no exported cmdlet uses (a misspelt file name, a removed cmdlet): warn, since the page is not shipped.
$names = @($facts | ForEach-Object Name)
Get-ChildItem -LiteralPath $cmdletDir -Filter '*.md' -File | Where-Object {
    $_.BaseName -notmatch '^(_|about_)' -and $_.BaseName -ne 'README' -and $names -notcontains $_.BaseName
} | ForEach-Object { Write-Warning "New-MamlHelp: page $($_.FullName) matches no exported cmdlet of '$($module.ModuleName)'" }

if ($problems.Count -gt 0) {
    $message = "New-MamlHelp: $($problems.Count) help problem(s) in $cmdletDir for module '$($module.ModuleName)':`n" + (($problems | ForEach-Object { "  - $_" }) -join "`n")
    # PowerShell's error view re-flows a multi-line message when the error has a script position, so the list is
    # also written one problem per line to the host (information stream) before the terminating error.
    foreach ($line in ($message -split "`n")) { Write-Host $line -ForegroundColor Red }
    throw $message
}

if (-not (Test-Path -LiteralPath $outDir)) { [void](New-Item -ItemType Directory -Path $outDir -Force) }
$outDir = (Resolve-Path -LiteralPath $outDir).ProviderPath
$mamlPath = Join-Path $outDir $outFile
New-MamlHelpXml -Entry $entries.ToArray() -Path $mamlPath
$written = @($mamlPath)

# about_*.help.txt, first file of a given name wins (docs/ before docs/cmdlets/).
$seen = @{}
foreach ($dir in $aboutDirs) {
    if (-not (Test-Path -LiteralPath $dir -PathType Container)) { continue }
    foreach ($md in (Get-ChildItem -LiteralPath $dir -Filter 'about_*.md' -File | Sort-Object Name)) {
        if ($seen.ContainsKey($md.BaseName)) { continue }
        $seen[$md.BaseName] = $true
        $text = ConvertTo-AboutHelpText -Path $md.FullName -TopicName $md.BaseName
        $txtPath = Join-Path $outDir "$($md.BaseName).help.txt"
        [System.IO.File]::WriteAllText($txtPath, $text, [System.Text.UTF8Encoding]::new($false))
        $written += $txtPath
    }
}

Write-Host "New-MamlHelp: $($entries.Count) cmdlet(s) -> $($written -join ', ')"
