#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0.0' }
<#
    Help tests.
    1. 'Help for <cmdlet>': against the BUILT module ($env:AKSSECURITY_MODULE_PATH: the module's .psd1 or its
       version folder; without it, the newest out/AksSecurity/<version>/AksSecurity.psd1). Every exported cmdlet
       has MAML help with a real synopsis, two or more examples with code, a description for every parameter
       (common parameters and WhatIf/Confirm excepted) and a related link.
    2. 'New-MamlHelp': build/New-MamlHelp.ps1 and build/HelpMarkdown.psm1 against a tiny compiled sample module
       (tests/Pester/fixtures/help/SampleModule, built on first use into fixtures/help/bin/, ~3-15 s).
#>

BeforeDiscovery {
    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
    $modulePath = $env:AKSSECURITY_MODULE_PATH
    if ($modulePath -and (Test-Path -LiteralPath $modulePath -PathType Container)) {
        $manifest = Join-Path $modulePath 'AksSecurity.psd1'
        if (-not (Test-Path -LiteralPath $manifest)) { $manifest = @(Get-ChildItem -LiteralPath $modulePath -Filter '*.psd1' -File)[0].FullName }
        $modulePath = $manifest
    }
    if (-not $modulePath) {
        $modulePath = Get-ChildItem -Path (Join-Path $repoRoot 'out/AksSecurity/*/AksSecurity.psd1') -ErrorAction SilentlyContinue |
            Sort-Object { try { [version]$_.Directory.Name } catch { [version]'0.0' } } -Descending |
            Select-Object -First 1 -ExpandProperty FullName
    }
    $moduleFound = [bool]($modulePath -and (Test-Path -LiteralPath $modulePath -PathType Leaf))
    if (-not $modulePath) { $modulePath = Join-Path $repoRoot 'out/AksSecurity/<version>/AksSecurity.psd1' }
    if ($moduleFound) { $modulePath = (Resolve-Path -LiteralPath $modulePath).ProviderPath }   # 'a/b.psd1' would be taken for a module name
    $cmdletCases = @()
    if ($moduleFound) {
        $module = Import-Module -Name $modulePath -Force -PassThru -ErrorAction Stop | Select-Object -First 1
        $skip = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
        $cmdletCases = @(Get-Command -Module $module.Name -CommandType Cmdlet | Sort-Object Name | ForEach-Object {
                @{
                    Name       = $_.Name
                    ModulePath = $modulePath
                    Parameters = @($_.Parameters.Values | Where-Object { -not $_.IsDynamic -and $skip -notcontains $_.Name } |
                            ForEach-Object { @{ ParameterName = $_.Name } })
                }
            })
    }
}

Describe 'Built module help' {
    It 'finds the built module (set AKSSECURITY_MODULE_PATH or run build.ps1)' -TestCases @(@{ Found = $moduleFound; Path = $modulePath }) {
        $Found | Should -BeTrue -Because "the help tests run against the built module (looked for '$Path')"
    }
    It 'exports cmdlets' -Skip:(-not $moduleFound) -TestCases @(@{ Count = $cmdletCases.Count }) {
        $Count | Should -BeGreaterThan 0
    }
}

Describe 'Help for <Name>' -ForEach $cmdletCases {
    BeforeAll {
        Import-Module -Name $ModulePath -ErrorAction Stop
        $help = Get-Help -Name $Name -Full -ErrorAction Stop
    }

    It 'has a synopsis that is not just the name or syntax' {
        $synopsis = "$($help.Synopsis)".Trim()
        $synopsis | Should -Not -BeNullOrEmpty
        $synopsis | Should -Not -Be $Name
        # Without MAML, Get-Help makes the synopsis out of the syntax: 'Verb-Noun [-Param] <Type> ...'.
        $synopsis | Should -Not -Match ('^' + [regex]::Escape($Name) + '(\s|$)')
    }

    It 'has at least two examples, each with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($e in $examples) {
            "$($e.code)".Trim() | Should -Not -BeNullOrEmpty -Because "example '$($e.title)' needs code"
        }
    }

    It 'has at least one related link' {
        $links = @($help.relatedLinks.navigationLink | Where-Object { ("$($_.linkText)".Trim() -or "$($_.uri)".Trim()) -and $_.linkText -ne 'Online Version:' })
        $links.Count | Should -BeGreaterOrEqual 1
    }

    Context 'parameter -<ParameterName>' -ForEach $Parameters {
        It 'has a description' {
            $p = @($help.parameters.parameter | Where-Object { $_.name -eq $ParameterName })
            $p.Count | Should -Be 1 -Because "-$ParameterName of $Name must be in the help's parameter list"
            ((@($p[0].description) | ForEach-Object { $_.Text }) -join ' ').Trim() | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'New-MamlHelp' {
    BeforeAll {
        $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).ProviderPath
        $generator = Join-Path $repoRoot 'build/New-MamlHelp.ps1'
        $fixture = Join-Path $PSScriptRoot 'fixtures/help'
        $sampleSrc = Join-Path $fixture 'SampleModule'
        $sampleBin = Join-Path $fixture 'bin/SampleHelpModule'
        $sampleDll = Join-Path $sampleBin 'SampleHelpModule.dll'
        Import-Module (Join-Path $repoRoot 'build/HelpMarkdown.psm1') -Force

        # Build the sample only when missing or older than its sources.
        $newestSource = Get-ChildItem -LiteralPath $sampleSrc -File | Where-Object Extension -In '.cs', '.csproj', '.psd1' |
            Sort-Object LastWriteTimeUtc -Descending | Select-Object -First 1
        if (-not (Test-Path -LiteralPath $sampleDll) -or (Get-Item -LiteralPath $sampleDll).LastWriteTimeUtc -lt $newestSource.LastWriteTimeUtc) {
            $out = & dotnet build (Join-Path $sampleSrc 'SampleHelpModule.csproj') -c Release -o $sampleBin --nologo 2>&1
            if ($LASTEXITCODE -ne 0) { throw "building the sample module failed:`n$($out -join "`n")" }
        }

        # A private copy of the sample module per test run, so generated help lands in TestDrive.
        function New-SampleCopy {
            param([string]$Name)
            $dir = Join-Path $TestDrive $Name
            New-Item -ItemType Directory -Path $dir -Force | Out-Null
            Copy-Item -Path (Join-Path $sampleBin 'SampleHelpModule.dll'), (Join-Path $sampleBin 'SampleHelpModule.psd1') -Destination $dir
            Copy-Item -Path (Join-Path $fixture 'docs') -Destination (Join-Path $dir 'docs') -Recurse
            $dir
        }
    }

    Context 'with complete pages' {
        BeforeAll {
            $dir = New-SampleCopy -Name 'good'
            $xmlPath = Join-Path $dir 'en-US/SampleHelpModule.dll-Help.xml'
            & $generator -ModulePath (Join-Path $dir 'SampleHelpModule.psd1') -DocsPath (Join-Path $dir 'docs') -OutputPath $xmlPath 6>$null

            # Get-Help in a fresh process, as a user would see it.
            $job = Start-Job -ArgumentList (Join-Path $dir 'SampleHelpModule.psd1') -ScriptBlock {
                param($psd1)
                Import-Module $psd1 -ErrorAction Stop
                $get = Get-Help Get-SampleWidget -Full
                $remove = Get-Help Remove-SampleWidget -Full
                [pscustomobject]@{
                    Synopsis        = $get.Synopsis
                    Description     = @($get.description | ForEach-Object Text)
                    SyntaxCount     = @($get.syntax.syntaxItem).Count
                    Examples        = @($get.examples.example | ForEach-Object { [pscustomobject]@{ Title = $_.title; Code = $_.code } })
                    NameParameter   = Get-Help Get-SampleWidget -Parameter Name | Select-Object name, pipelineInput, aliases, position, required, @{ n = 'Text'; e = { @($_.description | ForEach-Object Text) -join ' ' } }
                    FilterDefault   = (Get-Help Get-SampleWidget -Parameter Filter).defaultValue
                    RemoveSyntax    = @($remove.syntax.syntaxItem[0].parameter | ForEach-Object name)
                    RemoveParams    = @($remove.parameters.parameter | ForEach-Object name)
                    Links           = @($get.relatedLinks.navigationLink | ForEach-Object { [pscustomobject]@{ Text = $_.linkText; Uri = $_.uri } })
                    HelpUri         = (Get-Command Get-SampleWidget).HelpUri
                    AboutSynopsis   = (Get-Help -Name about_SampleHelpModule -Category HelpFile | Select-Object -First 1).Synopsis
                    FullText        = Get-Help Get-SampleWidget -Full | Out-String -Width 200
                } | ConvertTo-Json -Depth 5
            }
            $seen = Receive-Job -Job $job -Wait -AutoRemoveJob -ErrorAction Stop | ConvertFrom-Json
        }

        It 'writes SampleHelpModule.dll-Help.xml as UTF-8 without BOM, well-formed' {
            $bytes = [System.IO.File]::ReadAllBytes($xmlPath)
            $bytes[0] | Should -Not -Be 0xEF
            { [xml][System.IO.File]::ReadAllText($xmlPath) } | Should -Not -Throw
        }

        It 'gives Get-Help the synopsis and description' {
            $seen.Synopsis | Should -Be 'Gets sample widgets by name or by id.'
            $seen.Description -join "`n" | Should -Match 'continues on a second markdown line'
            $seen.Description -join "`n" | Should -Match '<tag> & "quotes"'
        }

        It 'has one syntax item per parameter set' {
            $seen.SyntaxCount | Should -Be 2
        }

        It 'gives examples with code and strips the # runnable marker' {
            $seen.Examples.Count | Should -Be 2
            $seen.Examples[0].Title | Should -Match 'Example 1: Get a widget by name'
            $seen.Examples[0].Code | Should -Be 'PS> Get-SampleWidget -Name alpha'
            ($seen.Examples | ForEach-Object Code) -join "`n" | Should -Not -Match '#\s*runnable'
            $seen.Examples[1].Code | Should -Match '# A comment inside the code'
        }

        It 'takes parameter facts from the compiled cmdlet and text from the page' {
            $seen.NameParameter.Text | Should -Be 'One or more widget names.'
            $seen.NameParameter.pipelineInput | Should -Be 'True (ByPropertyName)'
            $seen.NameParameter.aliases | Should -Be 'WidgetName'
            $seen.NameParameter.position | Should -Be '0'
            $seen.NameParameter.required | Should -Be 'true'
            $seen.FilterDefault | Should -Be '*'
        }

        It 'puts WhatIf/Confirm in the syntax of a ShouldProcess cmdlet, and only documented ones in its parameters' {
            $seen.RemoveSyntax | Should -Contain 'WhatIf'
            $seen.RemoveSyntax | Should -Contain 'Confirm'
            $seen.RemoveParams | Should -Contain 'WhatIf'
            $seen.RemoveParams | Should -Not -Contain 'Confirm'
            $seen.RemoveParams | Should -Not -Contain 'Verbose'
        }

        It 'writes related links, with a uri for http(s) links and the online version' {
            ($seen.Links | Where-Object Text -EQ 'Remove-SampleWidget').Uri | Should -BeNullOrEmpty
            ($seen.Links | Where-Object Text -EQ 'PowerShell docs').Uri | Should -Be 'https://learn.microsoft.com/powershell/'
            $seen.HelpUri | Should -Be 'https://example.invalid/sample/Get-SampleWidget'
        }

        It 'writes the about_ topic with the TOPIC / SHORT DESCRIPTION convention' {
            $lines = [System.IO.File]::ReadAllLines((Join-Path $dir 'en-US/about_SampleHelpModule.help.txt'))
            $lines[0..4] | Should -Be @('TOPIC', '    about_SampleHelpModule', '', 'SHORT DESCRIPTION', '    A sample module used to test the help generator.')
            $lines | Should -Contain 'LONG DESCRIPTION'
            $lines | Should -Not -Contain '# about_SampleHelpModule'
            $seen.AboutSynopsis | Should -Be 'A sample module used to test the help generator.'
        }

        It 'accepts the en-US folder as -OutputPath and names the file after the DLL' {
            $out = Join-Path $TestDrive 'folder-out'
            & $generator -ModulePath (Join-Path $dir 'SampleHelpModule.psd1') -DocsPath (Join-Path $dir 'docs') -OutputPath $out 6>$null
            Join-Path $out 'SampleHelpModule.dll-Help.xml' | Should -Exist
        }
    }

    Context 'with broken pages' {
        It 'fails naming the cmdlet when a page has no synopsis' {
            $dir = New-SampleCopy -Name 'nosynopsis'
            $page = Join-Path $dir 'docs/Get-SampleWidget.md'
            (Get-Content -Raw $page) -replace '(?m)^## SYNOPSIS\r?\n.*\r?\n', '' | Set-Content -NoNewline $page
            { & $generator -ModulePath (Join-Path $dir 'SampleHelpModule.psd1') -DocsPath (Join-Path $dir 'docs') -OutputPath (Join-Path $dir 'en-US') 6>$null } |
                Should -Throw -ExpectedMessage '*Get-SampleWidget*SYNOPSIS*'
            Join-Path $dir 'en-US/SampleHelpModule.dll-Help.xml' | Should -Not -Exist
        }

        It 'lists every problem at once: missing page, undocumented and unknown parameters, no example, wrong file name' {
            $dir = New-SampleCopy -Name 'many'
            Remove-Item (Join-Path $dir 'docs/Remove-SampleWidget.md')
            $page = Join-Path $dir 'docs/Get-SampleWidget.md'
            $text = (Get-Content -Raw $page) -replace '### -Id', '### -Bogus' -replace '(?s)## EXAMPLES.*?## PARAMETERS', "## EXAMPLES`n`n## PARAMETERS"
            Set-Content -NoNewline -Path $page -Value $text
            $err = $null
            try { & $generator -ModulePath (Join-Path $dir 'SampleHelpModule.psd1') -DocsPath (Join-Path $dir 'docs') -OutputPath (Join-Path $dir 'en-US/Wrong-Help.xml') 6>$null }
            catch { $err = $_.Exception.Message }
            $err | Should -Not -BeNullOrEmpty
            $lines = $err -split "`n"
            $lines | Should -Contain "  - Remove-SampleWidget: no help page (expected $(Join-Path $dir 'docs/Remove-SampleWidget.md'))"
            $lines | Where-Object { $_ -match 'Get-SampleWidget .*parameter -Id has no description' } | Should -Not -BeNullOrEmpty
            $lines | Where-Object { $_ -match 'Get-SampleWidget .*documents parameter -Bogus' } | Should -Not -BeNullOrEmpty
            $lines | Where-Object { $_ -match 'Get-SampleWidget .*no example' } | Should -Not -BeNullOrEmpty
            $lines | Where-Object { $_ -match "'Wrong-Help.xml'.*'SampleHelpModule.dll-Help.xml'" } | Should -Not -BeNullOrEmpty
        }
    }

    Context 'markdown parsing' {
        It 'keeps # lines inside code fences out of the headings, and strips the runnable marker' {
            $md = "# Get-X`n`n## SYNOPSIS`nDoes X.`n`n## EXAMPLES`n`n### Example 1: One`n``````powershell`n# runnable`n# not a heading`nGet-X`n```````n`nRemark.`n"
            $page = ConvertFrom-HelpMarkdown -Markdown $md
            $page.Synopsis | Should -Be 'Does X.'
            $page.Examples.Count | Should -Be 1
            $page.Examples[0].Runnable | Should -BeTrue
            $page.Examples[0].Code | Should -Be "# not a heading`nGet-X"
            $page.Examples[0].Remarks | Should -Be @('Remark.')
        }

        It 'drops HTML comments, ignores the yaml block and reads related links' {
            $md = "## SYNOPSIS`n<!-- note -->Short.`n`n## PARAMETERS`n`n### -Name`nThe name.`n`n``````yaml`nType: String`nDefault value: abc`n```````n`n### CommonParameters`nx`n`n## RELATED LINKS`n[Get-Y](Get-Y.md)`n[Site](https://example.invalid/x)`n"
            $page = ConvertFrom-HelpMarkdown -Markdown $md
            $page.Synopsis | Should -Be 'Short.'
            @($page.Parameters.Keys) | Should -Be @('Name')
            $page.Parameters['Name'].Description | Should -Be @('The name.')
            $page.Parameters['Name'].DefaultValue | Should -Be 'abc'
            $page.RelatedLinks[0].Text | Should -Be 'Get-Y'
            $page.RelatedLinks[0].Uri | Should -Be ''
            $page.RelatedLinks[1].Uri | Should -Be 'https://example.invalid/x'
        }

        It 'parses docs/cmdlets/_TEMPLATE.md as a complete page' {
            $page = ConvertFrom-HelpMarkdown -Path (Join-Path $repoRoot 'docs/cmdlets/_TEMPLATE.md')
            $page.Title | Should -Be 'Verb-Noun'
            $page.Synopsis | Should -Not -BeNullOrEmpty
            $page.Examples.Count | Should -BeGreaterOrEqual 2
            @($page.Examples | Where-Object { -not $_.Code }).Count | Should -Be 0
            $page.Parameters.Count | Should -BeGreaterOrEqual 1
            $page.RelatedLinks.Count | Should -BeGreaterOrEqual 1
            $page.Warnings | Should -BeNullOrEmpty
            ($page.Description -join ' ') | Should -Not -Match '<!--'
        }
    }
}
