# Finds the docs examples marked '# runnable' and turns their text into scripts; dot-sourced by DocsExamples.Tests.ps1
# (at discovery and at run time) and by Invoke-RunnableExample.ps1.
#
# Rules (docs/cmdlets/_TEMPLATE.md): a fenced code block whose first line is '# runnable'. Cmdlet pages are read with the
# help generator's own parser (build/HelpMarkdown.psm1), so the test runs what Get-Help shows; docs/about_*.md are
# scanned for such blocks under their nearest heading. In a block with 'PS>' prompts, a line is code when it starts with
# 'PS>' or continues the code line before it (that line ends with | ` { ( , or the line is indented under it); other
# lines are the output the example shows. A block without prompts is all code.

function Get-RunnableExample {
    param([Parameter(Mandatory)][string] $RepoRoot)

    Import-Module (Join-Path $RepoRoot 'build/HelpMarkdown.psm1') -Force
    foreach ($page in Get-ChildItem (Join-Path $RepoRoot 'docs/cmdlets') -Filter '*.md' | Where-Object Name -NotLike '_*' | Sort-Object Name) {
        $parsed = ConvertFrom-HelpMarkdown -Path $page.FullName
        foreach ($example in @($parsed.Examples | Where-Object Runnable)) {
            [pscustomobject]@{ Page = "docs/cmdlets/$($page.Name)"; Cmdlet = $page.BaseName; Title = $example.Title; Script = ConvertFrom-ExampleText $example.Code }
        }
    }

    foreach ($page in Get-ChildItem (Join-Path $RepoRoot 'docs') -Filter 'about_*.md' | Sort-Object Name) {
        $heading = $page.BaseName
        $inFence = $false
        $block = $null
        foreach ($line in [IO.File]::ReadAllLines($page.FullName)) {
            if (-not $inFence -and $line -match '^#{1,6}\s+(.+)$') { $heading = $Matches[1].Trim(); continue }
            if ($line -match '^\s*```') {
                if ($inFence) {
                    if ($block.Count -gt 0 -and $block[0].Trim() -match '^#\s*runnable$') {
                        [pscustomobject]@{ Page = "docs/$($page.Name)"; Cmdlet = $page.BaseName; Title = $heading; Script = ConvertFrom-ExampleText (($block | Select-Object -Skip 1) -join "`n") }
                    }
                    $inFence = $false
                }
                else { $inFence = $true; $block = [System.Collections.Generic.List[string]]::new() }
                continue
            }
            if ($inFence) { $block.Add($line) }
        }
    }
}

function ConvertFrom-ExampleText {
    param([Parameter(Mandatory)][AllowEmptyString()][string] $Text)

    $lines = $Text -split "`r?`n"
    if (-not ($lines | Where-Object { $_ -match '^\s*PS>' })) { return $Text.Trim() }
    $code = [System.Collections.Generic.List[string]]::new()
    $continues = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*PS>\s?(.*)$') { $code.Add($Matches[1]); $continues = $Matches[1] -match '[|`{(,]\s*$'; continue }
        if ($continues -and $line.Trim()) { $code.Add($line); $continues = $line -match '[|`{(,]\s*$' -or $line -match '^\s'; continue }
        $continues = $false
    }
    $code -join "`n"
}
