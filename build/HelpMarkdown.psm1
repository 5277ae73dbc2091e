#Requires -Version 7.2
<#
.SYNOPSIS
    Markdown help pages -> MAML (the XML that Get-Help reads for binary cmdlets) and about_*.help.txt.

.DESCRIPTION
    Used by build/New-MamlHelp.ps1 (which is the entry point), and dot-sourceable/importable on its own so
    the parser can be tested without building a module. Nothing here runs at import time.

    Pipeline:  Get-CmdletHelpFact (compiled cmdlet facts, in a child process)
             + ConvertFrom-HelpMarkdown (one page)  ->  Test-CmdletHelpPage (problems)
             ->  New-MamlHelpXml (one XML document for all cmdlets)
    and        ConvertTo-AboutHelpText (about_*.md -> about_*.help.txt text).
#>

Set-StrictMode -Version 3.0

$script:NsMsh = 'http://msh'
$script:NsMaml = 'http://schemas.microsoft.com/maml/2004/10'
$script:NsCommand = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
$script:NsDev = 'http://schemas.microsoft.com/maml/dev/2004/10'
$script:NsMSHelp = 'http://msdn.microsoft.com/mshelp'

# Parameters that every cmdlet gets (never need a page entry), plus the ShouldProcess pair and UseTransaction.
$script:CommonParameterNames = @(
    [System.Management.Automation.PSCmdlet]::CommonParameters
    [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
) | ForEach-Object { $_ }

function Test-CommonParameterName {
    <# True for -Verbose, -ErrorAction, ..., -WhatIf, -Confirm, -UseTransaction. #>
    [CmdletBinding()]
    [OutputType([bool])]
    param([Parameter(Mandatory)][string]$Name)
    return [bool]($script:CommonParameterNames -contains $Name)
}

#region Markdown tokenizing

function Read-MarkdownBlock {
    <#
    .SYNOPSIS
        Splits markdown text into front matter and a flat list of blocks.
    .DESCRIPTION
        Blocks are [pscustomobject]s with Kind = 'Heading' (Level, Text), 'Code' (Info, Lines) or 'Text' (Lines:
        the lines of one paragraph). Fenced code blocks (``` or ~~~) are kept whole, so a '# comment' inside a
        fence is never taken for a heading.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][AllowEmptyString()][string]$Text)

    $lines = $Text -replace "`r`n?", "`n" -split "`n"
    $frontMatter = [ordered]@{}
    $blocks = [System.Collections.Generic.List[object]]::new()
    $i = 0

    # YAML-ish front matter: '---' on the first line, up to the next '---'. Only 'key: value' lines are read.
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        $end = -1
        for ($j = 1; $j -lt $lines.Count; $j++) { if ($lines[$j].Trim() -eq '---') { $end = $j; break } }
        if ($end -gt 0) {
            for ($j = 1; $j -lt $end; $j++) {
                if ($lines[$j] -match '^\s*([^:#][^:]*?)\s*:\s*(.*?)\s*$') { $frontMatter[$Matches[1]] = $Matches[2] }
            }
            $i = $end + 1
        }
    }

    $para = [System.Collections.Generic.List[string]]::new()
    $flush = {
        if ($para.Count -gt 0) {
            $blocks.Add([pscustomobject]@{ Kind = 'Text'; Lines = [string[]]$para.ToArray() })
            $para.Clear()
        }
    }

    $inFence = $false; $fenceChar = ''; $fenceLen = 0; $fenceInfo = ''; $fenceIndent = 0
    $inComment = $false
    $fenceLines = [System.Collections.Generic.List[string]]::new()
    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if (-not $inFence -and ($inComment -or $line.Contains('<!--'))) {
            # HTML comments (outside code) are authors' notes: dropped. A line that held only a comment counts as blank.
            $sb = [System.Text.StringBuilder]::new()
            $rest = $line
            while ($rest.Length -gt 0) {
                if ($inComment) {
                    $end = $rest.IndexOf('-->')
                    if ($end -lt 0) { $rest = '' } else { $rest = $rest.Substring($end + 3); $inComment = $false }
                }
                else {
                    $start = $rest.IndexOf('<!--')
                    if ($start -lt 0) { [void]$sb.Append($rest); $rest = '' }
                    else { [void]$sb.Append($rest.Substring(0, $start)); $rest = $rest.Substring($start + 4); $inComment = $true }
                }
            }
            $line = $sb.ToString()
            if (-not $line.Trim()) { & $flush; continue }
        }
        if ($inFence) {
            if ($line -match '^( {0,3})(`{3,}|~{3,})\s*$' -and $Matches[2][0] -eq $fenceChar -and $Matches[2].Length -ge $fenceLen) {
                $blocks.Add([pscustomobject]@{ Kind = 'Code'; Info = $fenceInfo; Lines = [string[]]$fenceLines.ToArray() })
                $fenceLines.Clear(); $inFence = $false
            }
            else {
                # Remove up to the opening fence's indentation, as CommonMark does.
                $strip = 0
                while ($strip -lt $fenceIndent -and $strip -lt $line.Length -and $line[$strip] -eq ' ') { $strip++ }
                $fenceLines.Add($line.Substring($strip).TrimEnd())
            }
            continue
        }
        if ($line -match '^( {0,3})(`{3,}|~{3,})\s*([^`]*?)\s*$') {
            & $flush
            $inFence = $true; $fenceIndent = $Matches[1].Length; $fenceChar = $Matches[2][0]; $fenceLen = $Matches[2].Length
            $fenceInfo = $Matches[3]
            continue
        }
        if ($line -match '^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$') {
            & $flush
            $blocks.Add([pscustomobject]@{ Kind = 'Heading'; Level = $Matches[1].Length; Text = [string]$Matches[2] })
            continue
        }
        if ($line.Trim().Length -eq 0) { & $flush; continue }
        $para.Add($line.TrimEnd("`r"))
    }
    & $flush
    if ($inFence) {
        # An unclosed fence runs to the end of the file (CommonMark); keep what we have.
        $blocks.Add([pscustomobject]@{ Kind = 'Code'; Info = $fenceInfo; Lines = [string[]]$fenceLines.ToArray() })
    }

    [pscustomobject]@{ FrontMatter = $frontMatter; Blocks = [object[]]$blocks.ToArray() }
}

function ConvertFrom-MarkdownInline {
    <# Light inline clean-up for prose shown in a console: [text](http://x) -> 'text (http://x)', [text](page.md) -> 'text'. #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][AllowEmptyString()][string]$Text)
    $t = [regex]::Replace($Text, '(?<!!)\[([^\]]+)\]\((https?://[^)\s]+)\)', '$1 ($2)')
    $t = [regex]::Replace($t, '(?<!!)\[([^\]]+)\]\(([^)\s]*)\)', '$1')
    return $t
}

function ConvertTo-HelpParagraph {
    <#
    .SYNOPSIS
        Turns blocks into the strings of maml:para elements (one per paragraph).
    .DESCRIPTION
        A prose paragraph's lines are joined with spaces (Get-Help re-wraps them); a paragraph that holds list
        items or indented lines keeps its line breaks; a fenced code block becomes one paragraph with its lines as
        written; a sub-heading becomes a paragraph of its own.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param([AllowEmptyCollection()][object[]]$Block = @())

    $out = [System.Collections.Generic.List[string]]::new()
    foreach ($b in $Block) {
        switch ($b.Kind) {
            'Heading' { if ($b.Text) { $out.Add((ConvertFrom-MarkdownInline $b.Text)) } }
            'Code' {
                # Lines kept as written: Get-Help trims the first line of a para, so added indentation would be ragged.
                if ($b.Lines.Count -gt 0) { $out.Add(($b.Lines -join "`n")) }
            }
            'Text' {
                $keepBreaks = @($b.Lines | Where-Object { $_ -match '^\s*([-*+]|\d+[.)])\s+' -or $_ -match '^(\t| {4})' }).Count -gt 0
                if ($keepBreaks) {
                    $out.Add((($b.Lines | ForEach-Object { ConvertFrom-MarkdownInline $_.TrimEnd() }) -join "`n"))
                }
                else {
                    $sb = [System.Text.StringBuilder]::new()
                    for ($k = 0; $k -lt $b.Lines.Count; $k++) {
                        $raw = $b.Lines[$k]
                        $hardBreak = $raw -match '(  |\\)$'
                        $piece = $raw.Trim()
                        if ($piece.EndsWith('\')) { $piece = $piece.Substring(0, $piece.Length - 1).TrimEnd() }
                        [void]$sb.Append($piece)
                        if ($k -lt $b.Lines.Count - 1) { [void]$sb.Append($(if ($hardBreak) { "`n" } else { ' ' })) }
                    }
                    $out.Add((ConvertFrom-MarkdownInline $sb.ToString()))
                }
            }
        }
    }
    return , [string[]]$out.ToArray()
}

function Split-BlockByHeading {
    <# Splits a section's blocks at headings of the given level: returns Lead (blocks before the first) and Items (Title, Blocks). #>
    [CmdletBinding()]
    param([AllowEmptyCollection()][object[]]$Block = @(), [int]$Level = 3)
    $lead = [System.Collections.Generic.List[object]]::new()
    $items = [System.Collections.Generic.List[object]]::new()
    $current = $null
    foreach ($b in $Block) {
        if ($b.Kind -eq 'Heading' -and $b.Level -eq $Level) {
            $current = [pscustomobject]@{ Title = $b.Text.Trim(); Blocks = [System.Collections.Generic.List[object]]::new() }
            $items.Add($current)
        }
        elseif ($null -ne $current) { $current.Blocks.Add($b) }
        else { $lead.Add($b) }
    }
    [pscustomobject]@{ Lead = [object[]]$lead.ToArray(); Items = [object[]]$items.ToArray() }
}

#endregion

#region Cmdlet page

$script:KnownSections = 'SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS', 'ALIASES'

function ConvertFrom-HelpMarkdown {
    <#
    .SYNOPSIS
        Parses one cmdlet page (docs/cmdlets/<Verb-Noun>.md) into an object.
    .OUTPUTS
        [pscustomobject] with Path, Title, OnlineVersion, Synopsis (string or $null), Description (string[]),
        Examples (Title, Code, Remarks[], Runnable), Parameters (ordered name -> Name, Description[], DefaultValue),
        Inputs / Outputs (TypeName, Description[]), Notes (string[]), RelatedLinks (Text, Uri), Warnings (string[]).
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Path', Position = 0)][string]$Path,
        [Parameter(Mandatory, ParameterSetName = 'Text')][AllowEmptyString()][string]$Markdown,
        [Parameter(ParameterSetName = 'Text')][string]$SourceName = '<text>'
    )
    if ($PSCmdlet.ParameterSetName -eq 'Path') {
        $Markdown = [System.IO.File]::ReadAllText((Resolve-Path -LiteralPath $Path).ProviderPath)
        $SourceName = $Path
    }
    $doc = Read-MarkdownBlock -Text $Markdown
    $warnings = [System.Collections.Generic.List[string]]::new()

    $title = $null
    $sections = [ordered]@{}
    $currentName = $null
    foreach ($b in $doc.Blocks) {
        if ($b.Kind -eq 'Heading' -and $b.Level -eq 1 -and $null -eq $title -and $sections.Count -eq 0) { $title = $b.Text.Trim(); continue }
        if ($b.Kind -eq 'Heading' -and $b.Level -le 2) {
            $currentName = $b.Text.Trim().ToUpperInvariant()
            if ($script:KnownSections -notcontains $currentName) { $warnings.Add("unknown section '## $($b.Text.Trim())' is ignored") }
            if (-not $sections.Contains($currentName)) { $sections[$currentName] = [System.Collections.Generic.List[object]]::new() }
            continue
        }
        if ($null -ne $currentName) { $sections[$currentName].Add($b) }
    }
    $section = { param($n) if ($sections.Contains($n)) { [object[]]$sections[$n].ToArray() } else { [object[]]@() } }

    # SYNOPSIS: all its prose as one paragraph.
    $synopsis = $null
    if ($sections.Contains('SYNOPSIS')) {
        $s = (ConvertTo-HelpParagraph -Block (& $section 'SYNOPSIS')) -join ' '
        if ($s.Trim()) { $synopsis = $s.Trim() }
    }

    # EXAMPLES: one per '###' heading; fenced blocks are code, the rest remarks.
    $examples = [System.Collections.Generic.List[object]]::new()
    $ex = Split-BlockByHeading -Block (& $section 'EXAMPLES') -Level 3
    if (@($ex.Lead | Where-Object Kind -NE 'Heading').Count -gt 0 -and $ex.Items.Count -eq 0) {
        $warnings.Add("text under '## EXAMPLES' without an '### Example N: Title' heading is ignored")
    }
    foreach ($item in $ex.Items) {
        $codeParts = [System.Collections.Generic.List[string]]::new()
        $remarkBlocks = [System.Collections.Generic.List[object]]::new()
        $runnable = $false
        foreach ($b in $item.Blocks) {
            if ($b.Kind -eq 'Code') {
                $codeLines = [System.Collections.Generic.List[string]]::new([string[]]$b.Lines)
                if ($codeLines.Count -gt 0 -and $codeLines[0].Trim() -match '^#\s*runnable$') { $runnable = $true; $codeLines.RemoveAt(0) }
                while ($codeLines.Count -gt 0 -and -not $codeLines[0].Trim()) { $codeLines.RemoveAt(0) }
                while ($codeLines.Count -gt 0 -and -not $codeLines[$codeLines.Count - 1].Trim()) { $codeLines.RemoveAt($codeLines.Count - 1) }
                if ($codeLines.Count -gt 0) { $codeParts.Add(($codeLines -join "`n")) }
            }
            else { $remarkBlocks.Add($b) }
        }
        $examples.Add([pscustomobject]@{
                Title    = $item.Title
                Code     = ($codeParts -join "`n`n")
                Remarks  = ConvertTo-HelpParagraph -Block $remarkBlocks.ToArray()
                Runnable = $runnable
            })
    }

    # PARAMETERS: '### -Name' entries; a fenced yaml block is platyPS metadata (only 'Default value:' is read).
    $parameters = [ordered]@{}
    $pp = Split-BlockByHeading -Block (& $section 'PARAMETERS') -Level 3
    foreach ($item in $pp.Items) {
        if ($item.Title -match '^-(\S+)$') {
            $name = $Matches[1]
            $descBlocks = [System.Collections.Generic.List[object]]::new()
            $default = $null
            foreach ($b in $item.Blocks) {
                if ($b.Kind -eq 'Code' -and $b.Info -match '^ya?ml\b') {
                    foreach ($l in $b.Lines) { if ($l -match '^\s*Default value:\s*(.*?)\s*$' -and $Matches[1] -and $Matches[1] -ne 'None') { $default = $Matches[1] } }
                }
                else { $descBlocks.Add($b) }
            }
            if ($parameters.Contains($name)) { $warnings.Add("parameter '### -$name' is documented twice; the first is used"); continue }
            $parameters[$name] = [pscustomobject]@{ Name = $name; Description = ConvertTo-HelpParagraph -Block $descBlocks.ToArray(); DefaultValue = $default }
        }
        elseif ($item.Title -ne 'CommonParameters') {
            $warnings.Add("'### $($item.Title)' under '## PARAMETERS' is not a parameter heading ('### -Name') and is ignored")
        }
    }

    # INPUTS / OUTPUTS: '### TypeName' + text; text without a heading: first line is the type.
    $typeSection = {
        param($name)
        $r = [System.Collections.Generic.List[object]]::new()
        $split = Split-BlockByHeading -Block (& $section $name) -Level 3
        $leadParas = ConvertTo-HelpParagraph -Block $split.Lead
        if ($leadParas.Count -gt 0) {
            $first = ($leadParas[0] -split "`n")[0].Trim()
            $rest = @($leadParas | Select-Object -Skip 1)
            $r.Add([pscustomobject]@{ TypeName = $first; Description = [string[]]$rest })
        }
        foreach ($item in $split.Items) {
            $r.Add([pscustomobject]@{ TypeName = $item.Title; Description = ConvertTo-HelpParagraph -Block $item.Blocks.ToArray() })
        }
        , [object[]]$r.ToArray()
    }

    # RELATED LINKS: one link per line, '[text](target)', a bare URL or plain text; list markers allowed.
    $links = [System.Collections.Generic.List[object]]::new()
    foreach ($b in (& $section 'RELATED LINKS')) {
        $lineSet = if ($b.Kind -eq 'Heading') { @($b.Text) } else { @($b.Lines) }
        foreach ($l in $lineSet) {
            $t = ($l -replace '^\s*([-*+]|\d+[.)])\s+', '').Trim()
            if (-not $t) { continue }
            if ($t -match '^\[([^\]]+)\]\(\s*<?([^)>\s]*)>?(?:\s+"[^"]*")?\s*\)$') {
                $text = $Matches[1].Trim(); $target = $Matches[2]
                $uri = if ($target -match '^https?://') { $target } else { '' }
                $links.Add([pscustomobject]@{ Text = $text; Uri = $uri })
            }
            elseif ($t -match '^<?(https?://[^>\s]+)>?$') { $links.Add([pscustomobject]@{ Text = $Matches[1]; Uri = $Matches[1] }) }
            else { $links.Add([pscustomobject]@{ Text = (ConvertFrom-MarkdownInline $t); Uri = '' }) }
        }
    }

    $online = $null
    foreach ($k in $doc.FrontMatter.Keys) { if ($k -eq 'online version' -and $doc.FrontMatter[$k]) { $online = $doc.FrontMatter[$k] } }

    [pscustomobject]@{
        Path          = $SourceName
        Title         = $title
        OnlineVersion = $online
        Synopsis      = $synopsis
        Description   = ConvertTo-HelpParagraph -Block (& $section 'DESCRIPTION')
        Examples      = [object[]]$examples.ToArray()
        Parameters    = $parameters
        Inputs        = & $typeSection 'INPUTS'
        Outputs       = & $typeSection 'OUTPUTS'
        Notes         = ConvertTo-HelpParagraph -Block (& $section 'NOTES')
        RelatedLinks  = [object[]]$links.ToArray()
        Warnings      = [string[]]$warnings.ToArray()
    }
}

#endregion

#region Compiled cmdlet facts

function Get-FriendlyTypeName {
    <# 'String[]', 'Int32', 'SwitchParameter', 'List[String]', Nullable[T] -> T: the names PowerShell shows in syntax. #>
    [CmdletBinding()]
    [OutputType([string])]
    param([Parameter(Mandatory)][type]$Type)
    if ($Type.IsArray) { return (Get-FriendlyTypeName -Type $Type.GetElementType()) + '[]' }
    $under = [Nullable]::GetUnderlyingType($Type)
    if ($under) { return Get-FriendlyTypeName -Type $under }
    if ($Type.IsGenericType) {
        $base = $Type.Name -replace '`\d+$', ''
        return $base + '[' + (($Type.GetGenericArguments() | ForEach-Object { Get-FriendlyTypeName -Type $_ }) -join ', ') + ']'
    }
    return $Type.Name
}

function Get-CmdletHelpFact {
    <#
    .SYNOPSIS
        Reads, from the loaded cmdlets, everything the MAML needs that the markdown must not say: parameter sets,
        types, mandatory, position, pipeline input, aliases, wildcards, valid values, output types. Only metadata
        is read: no cmdlet is constructed or run.
    .DESCRIPTION
        Returns plain objects (strings, bools, arrays) so they survive a trip through JSON from a child process.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][System.Management.Automation.CmdletInfo[]]$Command)

    foreach ($cmd in $Command) {
        $setOrder = @($cmd.ParameterSets | Sort-Object -Stable { -not $_.IsDefault })   # default set first (stable)
        $sets = foreach ($set in $setOrder) {
            [pscustomobject]@{
                Name       = $set.Name
                IsDefault  = [bool]$set.IsDefault
                Parameters = @(foreach ($p in $set.Parameters) {
                        [pscustomobject]@{
                            Name           = $p.Name
                            Mandatory      = [bool]$p.IsMandatory
                            Position       = $(if ($p.Position -ge 0) { [string]$p.Position } else { 'named' })
                            ByValue        = [bool]$p.ValueFromPipeline
                            ByPropertyName = [bool]$p.ValueFromPipelineByPropertyName
                        }
                    })
            }
        }
        $params = foreach ($p in $cmd.Parameters.Values) {
            if ($p.IsDynamic) { continue }
            $type = $p.ParameterType
            $element = if ($type.IsArray) { $type.GetElementType() } else { $type }
            $under = [Nullable]::GetUnderlyingType($element); if ($under) { $element = $under }
            $valid = @()
            $vs = $p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
            if ($vs) { $valid = @($vs.ValidValues) }
            elseif ($element.IsEnum) { $valid = @([Enum]::GetNames($element)) }
            $isSwitch = $type -eq [System.Management.Automation.SwitchParameter]
            # Defaults are not read from the code: that would mean constructing the cmdlet, which runs its
            # constructor (and whatever it loads) inside the build. Switches default to False; others say None
            # unless the page's yaml block gives 'Default value:'.
            $default = if ($isSwitch) { 'False' } else { $null }
            [pscustomobject]@{
                Name         = $p.Name
                TypeName     = Get-FriendlyTypeName -Type $type
                TypeFullName = $type.FullName
                IsSwitch     = [bool]$isSwitch
                Aliases      = @($p.Aliases)
                Globbing     = @($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count -gt 0
                ValidValues  = @($valid | ForEach-Object { [string]$_ })
                DefaultValue = $default
                IsCommon     = Test-CommonParameterName -Name $p.Name
            }
        }
        [pscustomobject]@{
            Name                  = $cmd.Name
            Verb                  = $cmd.Verb
            Noun                  = $cmd.Noun
            HelpFile              = $cmd.HelpFile
            ModuleName            = $cmd.ModuleName
            SupportsShouldProcess = $cmd.Parameters.ContainsKey('WhatIf')
            OutputTypes           = @($cmd.OutputType | ForEach-Object { $_.Name })
            ParameterSets         = @($sets)
            Parameters            = @($params)
        }
    }
}

function Get-ModuleCmdletHelpFact {
    <#
    .SYNOPSIS
        Imports a built module in a child PowerShell process (Start-Job) and returns Get-CmdletHelpFact for its
        exported cmdlets, plus the module's name. The build's own process never loads the module's DLLs.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)][string]$ModulePath)

    $resolved = (Resolve-Path -LiteralPath $ModulePath -ErrorAction Stop).ProviderPath
    $job = Start-Job -ArgumentList $resolved, $PSCommandPath -ScriptBlock {
        param($modulePath, $helperPath)
        $ErrorActionPreference = 'Stop'
        Import-Module $helperPath
        $module = Import-Module -Name $modulePath -PassThru -Force | Select-Object -First 1
        $cmdlets = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name)
        $facts = if ($cmdlets.Count) { @(Get-CmdletHelpFact -Command $cmdlets) } else { @() }
        [pscustomobject]@{ ModuleName = $module.Name; RootModule = $module.RootModule; Cmdlets = $facts } | ConvertTo-Json -Depth 10 -Compress
    }
    try {
        $json = Receive-Job -Job $job -Wait -ErrorAction Stop
    }
    catch {
        throw "Could not read the cmdlets of module '$ModulePath': $($_.Exception.Message)"
    }
    finally {
        Remove-Job -Job $job -Force -ErrorAction SilentlyContinue
    }
    $r = ($json | Select-Object -Last 1) | ConvertFrom-Json
    [pscustomobject]@{ ModuleName = $r.ModuleName; RootModule = $r.RootModule; Cmdlets = @($r.Cmdlets) }
}

#endregion

#region Validation

function Test-CmdletHelpPage {
    <#
    .SYNOPSIS
        Returns the problems (strings, each naming the cmdlet) that make a page unusable for a cmdlet.
    #>
    [CmdletBinding()]
    [OutputType([string[]])]
    param(
        [Parameter(Mandatory)]$Fact,
        [Parameter(Mandatory)]$Page
    )
    $problems = [System.Collections.Generic.List[string]]::new()
    $where = "$($Fact.Name) ($($Page.Path))"
    if (-not $Page.Synopsis) { $problems.Add("${where}: no '## SYNOPSIS' text") }
    if ($Page.Examples.Count -eq 0) { $problems.Add("${where}: no example (add '### Example 1: Title' with a code block under '## EXAMPLES')") }
    foreach ($e in $Page.Examples) {
        if (-not $e.Code) { $problems.Add("${where}: example '$($e.Title)' has no code block") }
    }
    $actual = @($Fact.Parameters)
    foreach ($p in $actual) {
        if ($p.IsCommon) { continue }
        if (-not $Page.Parameters.Contains($p.Name) -or -not ($Page.Parameters[$p.Name].Description -join '').Trim()) {
            $problems.Add("${where}: parameter -$($p.Name) has no description (add '### -$($p.Name)' under '## PARAMETERS')")
        }
    }
    foreach ($name in $Page.Parameters.Keys) {
        if (-not ($actual | Where-Object Name -EQ $name)) {
            $problems.Add("${where}: documents parameter -$name, which the cmdlet does not have")
        }
    }
    return , [string[]]$problems.ToArray()
}

#endregion

#region MAML writing

function Write-MamlPara {
    param([System.Xml.XmlWriter]$Writer, [string[]]$Para)
    if (-not $Para -or $Para.Count -eq 0) { $Para = @('') }
    foreach ($p in $Para) { $Writer.WriteElementString('maml', 'para', $script:NsMaml, $p) }
}

function Write-MamlParameter {
    param(
        [System.Xml.XmlWriter]$Writer,
        $Param,              # fact parameter (type, aliases, ...)
        [bool]$Required,
        [string]$Position,
        [string]$PipelineInput,
        [string[]]$Description,
        [string]$DefaultValue,
        [switch]$InSyntax
    )
    $w = $Writer
    $w.WriteStartElement('command', 'parameter', $script:NsCommand)
    $w.WriteAttributeString('required', $Required.ToString().ToLowerInvariant())
    $w.WriteAttributeString('variableLength', 'true')
    $w.WriteAttributeString('globbing', ([bool]$Param.Globbing).ToString().ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $PipelineInput)
    $w.WriteAttributeString('position', $Position)
    $aliases = @($Param.Aliases | Where-Object { $_ })
    $w.WriteAttributeString('aliases', $(if ($aliases.Count) { $aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $script:NsMaml, $Param.Name)
    $w.WriteStartElement('maml', 'description', $script:NsMaml); Write-MamlPara $w $Description; $w.WriteEndElement()
    $valid = @($Param.ValidValues | Where-Object { $_ })
    if ($InSyntax -and $valid.Count -gt 0 -and -not $Param.IsSwitch) {
        $w.WriteStartElement('command', 'parameterValueGroup', $script:NsCommand)
        foreach ($v in $valid) {
            $w.WriteStartElement('command', 'parameterValue', $script:NsCommand)
            $w.WriteAttributeString('required', 'false'); $w.WriteAttributeString('command', 'variableLength', $script:NsCommand, 'false')
            $w.WriteString($v); $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    if (-not ($InSyntax -and $Param.IsSwitch)) {
        $w.WriteStartElement('command', 'parameterValue', $script:NsCommand)
        $w.WriteAttributeString('required', $(if ($Param.IsSwitch) { 'false' } else { 'true' }))
        $w.WriteAttributeString('variableLength', 'false')
        $w.WriteString($Param.TypeName); $w.WriteEndElement()
    }
    $w.WriteStartElement('dev', 'type', $script:NsDev)
    $w.WriteElementString('maml', 'name', $script:NsMaml, $Param.TypeFullName)
    $w.WriteElementString('maml', 'uri', $script:NsMaml, '')
    $w.WriteEndElement()
    $w.WriteElementString('dev', 'defaultValue', $script:NsDev, $(if ($DefaultValue) { $DefaultValue } else { 'None' }))
    $w.WriteEndElement()
}

function Format-PipelineInput {
    param([bool]$ByValue, [bool]$ByPropertyName)
    $kinds = @(); if ($ByValue) { $kinds += 'ByValue' }; if ($ByPropertyName) { $kinds += 'ByPropertyName' }
    if ($kinds.Count) { 'True (' + ($kinds -join ', ') + ')' } else { 'False' }
}

function Get-SyntaxOrder {
    <# Parameters of one set in the order PowerShell shows them: positional by position, then mandatory, then optional; WhatIf/Confirm last. #>
    param($SetParameters)
    $plain = @($SetParameters | Where-Object { -not (Test-CommonParameterName -Name $_.Name) })
    $i = 0
    $indexed = foreach ($p in $plain) { [pscustomobject]@{ P = $p; I = $i++ } }
    $positional = @($indexed | Where-Object { $_.P.Position -ne 'named' } | Sort-Object { [int]$_.P.Position }, I | ForEach-Object P)
    $mandatory = @($indexed | Where-Object { $_.P.Position -eq 'named' -and $_.P.Mandatory } | ForEach-Object P)
    $optional = @($indexed | Where-Object { $_.P.Position -eq 'named' -and -not $_.P.Mandatory } | ForEach-Object P)
    $sp = @('WhatIf', 'Confirm' | ForEach-Object { $n = $_; $SetParameters | Where-Object Name -EQ $n })
    @($positional) + @($mandatory) + @($optional) + @($sp)
}

function Get-DefaultParagraph {
    param([string]$Name)
    switch ($Name) {
        'WhatIf' { , @('Shows what would happen if the cmdlet runs. The cmdlet is not run.') }
        'Confirm' { , @('Prompts you for confirmation before running the cmdlet.') }
        default { , @() }
    }
}

function New-MamlHelpXml {
    <#
    .SYNOPSIS
        Writes one MAML help file (UTF-8, no BOM) for the given cmdlets.
    .PARAMETER Entry
        Objects with Fact (from Get-CmdletHelpFact) and Page (from ConvertFrom-HelpMarkdown).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][object[]]$Entry,
        [Parameter(Mandatory)][string]$Path
    )
    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.NewLineChars = "`n"
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $dir = Split-Path -Parent $Path
    if ($dir -and -not (Test-Path -LiteralPath $dir)) { [void](New-Item -ItemType Directory -Path $dir -Force) }
    $w = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $w.WriteStartDocument()
        $w.WriteStartElement('helpItems', $script:NsMsh)
        $w.WriteAttributeString('schema', 'maml')
        foreach ($e in $Entry) {
            $f = $e.Fact; $page = $e.Page
            $paramFacts = @{}
            foreach ($p in $f.Parameters) { $paramFacts[$p.Name] = $p }
            $docFor = {
                param($name)
                if ($page.Parameters.Contains($name)) { $page.Parameters[$name] } else { $null }
            }

            $w.WriteStartElement('command', 'command', $script:NsCommand)
            $w.WriteAttributeString('xmlns', 'maml', $null, $script:NsMaml)
            $w.WriteAttributeString('xmlns', 'command', $null, $script:NsCommand)
            $w.WriteAttributeString('xmlns', 'dev', $null, $script:NsDev)
            $w.WriteAttributeString('xmlns', 'MSHelp', $null, $script:NsMSHelp)

            $w.WriteStartElement('command', 'details', $script:NsCommand)
            $w.WriteElementString('command', 'name', $script:NsCommand, $f.Name)
            $w.WriteElementString('command', 'verb', $script:NsCommand, $f.Verb)
            $w.WriteElementString('command', 'noun', $script:NsCommand, $f.Noun)
            $w.WriteStartElement('maml', 'description', $script:NsMaml); Write-MamlPara $w @($page.Synopsis); $w.WriteEndElement()
            $w.WriteEndElement() # details

            $w.WriteStartElement('maml', 'description', $script:NsMaml); Write-MamlPara $w $page.Description; $w.WriteEndElement()

            # Syntax: one item per parameter set, facts from the compiled cmdlet.
            $w.WriteStartElement('command', 'syntax', $script:NsCommand)
            foreach ($set in $f.ParameterSets) {
                $w.WriteStartElement('command', 'syntaxItem', $script:NsCommand)
                $w.WriteElementString('maml', 'name', $script:NsMaml, $f.Name)
                foreach ($sp in (Get-SyntaxOrder -SetParameters $set.Parameters)) {
                    $pf = $paramFacts[$sp.Name]
                    $doc = & $docFor $sp.Name
                    $desc = if ($doc) { $doc.Description } else { Get-DefaultParagraph $sp.Name }
                    $default = if ($doc -and $doc.DefaultValue) { $doc.DefaultValue } else { $pf.DefaultValue }
                    Write-MamlParameter -Writer $w -Param $pf -Required $sp.Mandatory -Position $sp.Position `
                        -PipelineInput (Format-PipelineInput $sp.ByValue $sp.ByPropertyName) -Description $desc -DefaultValue $default -InSyntax
                }
                $w.WriteEndElement()
            }
            $w.WriteEndElement() # syntax

            # Parameters: documented ones, in page order (common parameters and undocumented WhatIf/Confirm left out).
            $w.WriteStartElement('command', 'parameters', $script:NsCommand)
            foreach ($name in $page.Parameters.Keys) {
                $pf = $paramFacts[$name]
                if (-not $pf) { continue }
                $doc = $page.Parameters[$name]
                $inSets = @(foreach ($set in $f.ParameterSets) { $set.Parameters | Where-Object Name -EQ $pf.Name })
                $required = $inSets.Count -gt 0 -and @($inSets | Where-Object { -not $_.Mandatory }).Count -eq 0
                $position = @($inSets | Where-Object Position -NE 'named' | Select-Object -First 1 | ForEach-Object Position)
                $position = if ($position.Count) { $position[0] } else { 'named' }
                $byValue = @($inSets | Where-Object ByValue).Count -gt 0
                $byProp = @($inSets | Where-Object ByPropertyName).Count -gt 0
                $default = if ($doc.DefaultValue) { $doc.DefaultValue } else { $pf.DefaultValue }
                Write-MamlParameter -Writer $w -Param $pf -Required $required -Position $position `
                    -PipelineInput (Format-PipelineInput $byValue $byProp) -Description $doc.Description -DefaultValue $default
            }
            $w.WriteEndElement() # parameters

            # Inputs: the page's; without any, the types of by-value pipeline parameters, else None.
            $inputs = @($page.Inputs)
            if ($inputs.Count -eq 0) {
                $inputs = @($f.Parameters | Where-Object { -not $_.IsCommon } | Where-Object {
                        $n = $_.Name; @($f.ParameterSets | ForEach-Object { $_.Parameters } | Where-Object { $_.Name -eq $n -and $_.ByValue }).Count -gt 0
                    } | ForEach-Object { [pscustomobject]@{ TypeName = $_.TypeFullName; Description = @() } })
                if ($inputs.Count -eq 0) { $inputs = @([pscustomobject]@{ TypeName = 'None'; Description = @() }) }
            }
            $w.WriteStartElement('command', 'inputTypes', $script:NsCommand)
            foreach ($i in $inputs) {
                $w.WriteStartElement('command', 'inputType', $script:NsCommand)
                $w.WriteStartElement('dev', 'type', $script:NsDev); $w.WriteElementString('maml', 'name', $script:NsMaml, $i.TypeName); $w.WriteEndElement()
                $w.WriteStartElement('maml', 'description', $script:NsMaml); Write-MamlPara $w $i.Description; $w.WriteEndElement()
                $w.WriteEndElement()
            }
            $w.WriteEndElement()

            # Outputs: the page's; without any, the cmdlet's [OutputType]s, else None.
            $outputs = @($page.Outputs)
            if ($outputs.Count -eq 0) {
                $outputs = @($f.OutputTypes | ForEach-Object { [pscustomobject]@{ TypeName = $_; Description = @() } })
                if ($outputs.Count -eq 0) { $outputs = @([pscustomobject]@{ TypeName = 'None'; Description = @() }) }
            }
            $w.WriteStartElement('command', 'returnValues', $script:NsCommand)
            foreach ($o in $outputs) {
                $w.WriteStartElement('command', 'returnValue', $script:NsCommand)
                $w.WriteStartElement('dev', 'type', $script:NsDev); $w.WriteElementString('maml', 'name', $script:NsMaml, $o.TypeName); $w.WriteEndElement()
                $w.WriteStartElement('maml', 'description', $script:NsMaml); Write-MamlPara $w $o.Description; $w.WriteEndElement()
                $w.WriteEndElement()
            }
            $w.WriteEndElement()

            if ($page.Notes.Count -gt 0) {
                $w.WriteStartElement('maml', 'alertSet', $script:NsMaml)
                $w.WriteStartElement('maml', 'alert', $script:NsMaml); Write-MamlPara $w $page.Notes; $w.WriteEndElement()
                $w.WriteEndElement()
            }

            $w.WriteStartElement('command', 'examples', $script:NsCommand)
            $n = 0
            foreach ($ex in $page.Examples) {
                $n++
                $title = if ($ex.Title) { $ex.Title } else { "Example $n" }
                $w.WriteStartElement('command', 'example', $script:NsCommand)
                $w.WriteElementString('maml', 'title', $script:NsMaml, "-------------------------- $title --------------------------")
                $w.WriteElementString('dev', 'code', $script:NsDev, $ex.Code)
                # A trailing empty para makes Get-Help leave a blank line before the next example's title.
                $remarks = @($ex.Remarks | Where-Object { $_ }) + @('')
                $w.WriteStartElement('dev', 'remarks', $script:NsDev); Write-MamlPara $w $remarks; $w.WriteEndElement()
                $w.WriteEndElement()
            }
            $w.WriteEndElement()

            $w.WriteStartElement('maml', 'relatedLinks', $script:NsMaml)
            $links = @()
            if ($page.OnlineVersion) { $links += [pscustomobject]@{ Text = 'Online Version:'; Uri = $page.OnlineVersion } }
            $links += @($page.RelatedLinks)
            foreach ($l in $links) {
                $w.WriteStartElement('maml', 'navigationLink', $script:NsMaml)
                $w.WriteElementString('maml', 'linkText', $script:NsMaml, $l.Text)
                $w.WriteElementString('maml', 'uri', $script:NsMaml, [string]$l.Uri)
                $w.WriteEndElement()
            }
            $w.WriteEndElement()

            $w.WriteEndElement() # command:command
        }
        $w.WriteEndElement() # helpItems
        $w.WriteEndDocument()
    }
    finally {
        $w.Dispose()
    }
}

#endregion

#region about_ topics

function Format-WrappedLine {
    <# Word-wraps one paragraph to $Width columns, first line at $Indent, the rest at $Indent + $Hanging. #>
    param([string]$Text, [int]$Indent = 4, [int]$Hanging = 0, [int]$Width = 80)
    $pad = ' ' * $Indent; $pad2 = ' ' * ($Indent + $Hanging)
    $lines = [System.Collections.Generic.List[string]]::new()
    $cur = $pad
    $curHasWord = $false
    foreach ($word in ($Text -split '\s+' | Where-Object { $_ })) {
        if ($curHasWord -and ($cur.Length + 1 + $word.Length) -gt $Width) { $lines.Add($cur); $cur = $pad2 + $word }
        elseif ($curHasWord) { $cur += ' ' + $word }
        else { $cur += $word }
        $curHasWord = $true
    }
    if ($curHasWord) { $lines.Add($cur) }
    $lines
}

function ConvertTo-AboutHelpText {
    <#
    .SYNOPSIS
        Converts docs/about_<Topic>.md to the text of about_<Topic>.help.txt.
    .DESCRIPTION
        Output starts with the about_ convention ('TOPIC', '    about_X', '', 'SHORT DESCRIPTION', '    ...') that
        Get-Help uses for the topic's synopsis. '##' headings become unindented lines (the '#'s removed, text kept),
        '###' and deeper are indented two spaces, prose is wrapped at 80 columns and indented four, code blocks
        are kept as written and indented eight. A leading '# about_X' title and a 'TOPIC' section are replaced
        by the generated TOPIC block.
    #>
    [CmdletBinding(DefaultParameterSetName = 'Path')]
    [OutputType([string])]
    param(
        [Parameter(Mandatory, ParameterSetName = 'Path', Position = 0)][string]$Path,
        [Parameter(Mandatory, ParameterSetName = 'Text')][AllowEmptyString()][string]$Markdown,
        [string]$TopicName
    )
    if ($PSCmdlet.ParameterSetName -eq 'Path') {
        $Markdown = [System.IO.File]::ReadAllText((Resolve-Path -LiteralPath $Path).ProviderPath)
        if (-not $TopicName) { $TopicName = [System.IO.Path]::GetFileNameWithoutExtension($Path) }
    }
    if (-not $TopicName) { throw 'TopicName is required with -Markdown.' }
    $doc = Read-MarkdownBlock -Text $Markdown

    # Group blocks into level-2 sections (level-1 headings that are not the title count as sections too).
    $sections = [System.Collections.Generic.List[object]]::new()
    $current = $null
    foreach ($b in $doc.Blocks) {
        if ($b.Kind -eq 'Heading' -and $b.Level -le 2) {
            $text = $b.Text.Trim()
            if ($b.Level -eq 1 -and $text -eq $TopicName -and $sections.Count -eq 0 -and $null -eq $current) { continue }
            $current = [pscustomobject]@{ Heading = $text; Blocks = [System.Collections.Generic.List[object]]::new() }
            $sections.Add($current)
            continue
        }
        if ($null -eq $current) {
            $current = [pscustomobject]@{ Heading = $null; Blocks = [System.Collections.Generic.List[object]]::new() }
            $sections.Add($current)
        }
        $current.Blocks.Add($b)
    }

    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add('TOPIC'); $out.Add("    $TopicName"); $out.Add('')
    $short = $sections | Where-Object { $_.Heading -and $_.Heading.ToUpperInvariant() -eq 'SHORT DESCRIPTION' } | Select-Object -First 1
    $shortText = if ($short) { (ConvertTo-HelpParagraph -Block $short.Blocks.ToArray()) -join ' ' } else { '' }
    $out.Add('SHORT DESCRIPTION')
    if ($shortText) { foreach ($l in (Format-WrappedLine -Text $shortText -Indent 4)) { $out.Add($l) } }
    $out.Add('')

    foreach ($s in $sections) {
        if ($s -eq $short) { continue }
        if ($s.Heading -and ($s.Heading.ToUpperInvariant() -eq 'TOPIC' -or $s.Heading -eq $TopicName)) { continue }
        if ($s.Heading) { $out.Add($s.Heading) }
        foreach ($b in $s.Blocks) {
            switch ($b.Kind) {
                'Heading' { $out.Add('  ' + $b.Text.Trim()) }
                'Code' {
                    # The '# runnable' marker is for the docs-example test, not for readers (as on cmdlet pages).
                    $codeLines = @($b.Lines)
                    if ($codeLines.Count -gt 0 -and "$($codeLines[0])".Trim() -match '^#\s*runnable$') { $codeLines = @($codeLines | Select-Object -Skip 1) }
                    foreach ($l in $codeLines) { $out.Add($(if ($l) { '        ' + $l } else { '' })) }
                    $out.Add('')
                }
                'Text' {
                    $para = ConvertTo-HelpParagraph -Block @($b)
                    foreach ($p in $para) {
                        foreach ($pl in ($p -split "`n")) {
                            if ($pl -match '^(\s*)(([-*+]|\d+[.)])\s+)(.*)$') {
                                $lead = $Matches[1].Length
                                foreach ($l in (Format-WrappedLine -Text ($Matches[2] + $Matches[4]) -Indent (4 + $lead) -Hanging $Matches[2].Length)) { $out.Add($l) }
                            }
                            elseif ($pl -match '^\s{4,}') { $out.Add('    ' + $pl) }
                            else { foreach ($l in (Format-WrappedLine -Text $pl -Indent 4)) { $out.Add($l) } }
                        }
                    }
                    $out.Add('')
                }
            }
        }
        if ($out.Count -gt 0 -and $out[$out.Count - 1] -ne '') { $out.Add('') }
    }
    while ($out.Count -gt 0 -and $out[$out.Count - 1] -eq '') { $out.RemoveAt($out.Count - 1) }
    return ($out -join "`n") + "`n"
}

#endregion

Export-ModuleMember -Function Read-MarkdownBlock, ConvertTo-HelpParagraph, ConvertFrom-HelpMarkdown, Get-FriendlyTypeName,
    Get-CmdletHelpFact, Get-ModuleCmdletHelpFact, Test-CmdletHelpPage, New-MamlHelpXml, ConvertTo-AboutHelpText, Test-CommonParameterName
