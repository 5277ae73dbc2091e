BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:SchemaDirectory = Join-Path $RepoRoot 'tests/AksSecurity.Engine.Tests/TestData/ReportSchemas'
    $script:AllFiles = 'aks-security.sarif', 'aks-security.nunit.xml', 'aks-security.junit.xml', 'aks-security.json', 'aks-security.md', 'aks-security.html'

    # Every area's Test- cmdlet that reads documents on the example documents, as a pipeline would run them (Test-AksSecurity
    # has its own tests; Test-AksSecretStore reads inside a cluster only).
    function Get-OfflineResult([string] $Path = (Join-Path $ExamplesDirectory '*.json')) {
        Get-Command -Module AksSecurity -Verb Test | Where-Object { $_.Name -ne 'Test-AksSecurity' -and $_.Parameters.ContainsKey('Path') } | Sort-Object Name |
            ForEach-Object { & $_ -Path $Path }
    }

    # Errors of an XML file against a schema in the engine tests' ReportSchemas folder (sources in SOURCE.md there).
    function Get-XmlSchemaError([string] $File, [string] $Schema) {
        $schemas = [System.Xml.Schema.XmlSchemaSet]::new()
        $schemas.XmlResolver = [System.Xml.XmlUrlResolver]::new()
        $null = $schemas.Add($null, (Join-Path $SchemaDirectory $Schema))
        $settings = [System.Xml.XmlReaderSettings]::new()
        $settings.ValidationType = 'Schema'
        $settings.Schemas = $schemas
        $settings.ValidationFlags = $settings.ValidationFlags -bor [System.Xml.Schema.XmlSchemaValidationFlags]::ReportValidationWarnings
        $errors = [System.Collections.Generic.List[string]]::new()
        $settings.add_ValidationEventHandler({ param($s, $e) $errors.Add($e.Message) })
        $reader = [System.Xml.XmlReader]::Create($File, $settings)
        try { while ($reader.Read()) { } } finally { $reader.Dispose() }
        , $errors
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Export-AksSecurityReport of offline results' {
    BeforeAll {
        $script:Offline = Get-OfflineResult
        $script:Folder = Join-Path $TestDrive 'offline'
        $script:Files = $Offline | Export-AksSecurityReport -Path $Folder -Format Sarif, NUnit, JUnit, Json, Markdown, Html -PassThru
        $script:FindingCount = @($Offline.Findings).Count
    }

    It 'writes every format at once, each under its own name, and returns the files' {
        $Files | Should -HaveCount 6
        $Files | ForEach-Object { $_ | Should -BeOfType System.IO.FileInfo }
        ($Files.Name | Sort-Object) | Should -Be ($AllFiles | Sort-Object)
        $Files | ForEach-Object { $_.Length | Should -BeGreaterThan 1000 }
    }

    It 'writes SARIF 2.1.0 with a rule per check and a result per finding, placed in the documents' {
        $sarif = Get-Content -Raw (Join-Path $Folder 'aks-security.sarif') | ConvertFrom-Json
        $sarif.version | Should -Be '2.1.0'
        $run = $sarif.runs[0]
        $run.results | Should -HaveCount $FindingCount
        ($run.tool.driver.rules.id | Sort-Object -Unique) | Should -Be (@($Offline.ChecksRun) | Sort-Object -Unique)
        $critical = $run.results | Where-Object ruleId -eq 'AKS-API-002'
        $critical.level | Should -Be 'error'
        $critical.locations[0].physicalLocation.artifactLocation.uri | Should -BeLike '*test-wide.json'
        $critical.locations[0].physicalLocation.region.startLine | Should -BeGreaterThan 1
        $critical.partialFingerprints.primaryLocationLineHash | Should -Match '^[0-9a-f]{32}$'
    }

    It 'writes NUnit and JUnit that their schemas accept, one test case per check per cluster' {
        Get-XmlSchemaError (Join-Path $Folder 'aks-security.nunit.xml') 'TestResult.xsd' | Should -BeNullOrEmpty
        Get-XmlSchemaError (Join-Path $Folder 'aks-security.junit.xml') 'JUnit.xsd' | Should -BeNullOrEmpty
        $checks = ($Offline | Group-Object Source | ForEach-Object { @($_.Group.ChecksRun | Sort-Object -Unique).Count } | Measure-Object -Sum).Sum
        $nunit = [xml](Get-Content -Raw (Join-Path $Folder 'aks-security.nunit.xml'))
        $nunit.SelectNodes('//test-case').Count | Should -Be $checks
        $junit = [xml](Get-Content -Raw (Join-Path $Folder 'aks-security.junit.xml'))
        $junit.SelectNodes('//testcase').Count | Should -Be $checks
        $failure = $junit.SelectSingleNode("//testsuite[@name='test-wide']/testcase[starts-with(@name, 'AKS-API-002')]/failure")
        $failure.message | Should -Match 'Evidence: properties.apiServerAccessProfile.authorizedIPRanges contains 0.0.0.0/0'
        $failure.message | Should -Match 'Fix: Set-AksApiAccess'
    }

    It 'writes JSON with one entry per cluster, results of several cmdlets merged' {
        $json = Get-Content -Raw (Join-Path $Folder 'aks-security.json') | ConvertFrom-Json
        $json.schemaVersion | Should -Be 1
        $json.clusters | Should -HaveCount 5
        $json.summary.findings | Should -Be $FindingCount
        $wide = $json.clusters | Where-Object clusterName -eq 'test-wide'
        $wide.findings.checkId | Should -Contain 'AKS-API-002'
        $wide.checks.checkId | Should -Contain 'AKS-CFG-001'
        $wide.live | Should -BeFalse
    }

    It 'writes Markdown with the totals, the findings by severity and a table per cluster' {
        $md = Get-Content -Raw (Join-Path $Folder 'aks-security.md')
        $md | Should -Match '(?m)^# AKS security report$'
        $md | Should -Match "\*\*5 cluster\(s\)\*\*.* $FindingCount finding\(s\)"
        $md | Should -Match '(?m)^### 🔴 Critical \(1\)$'
        foreach ($name in 'clustername1', 'dev-open', 'prod-private', 'prod-restricted', 'test-wide') { $md | Should -Match "(?m)^## $name$" }
    }

    It 'writes one self-contained HTML page that shows every finding' {
        $html = Get-Content -Raw (Join-Path $Folder 'aks-security.html')
        $html | Should -Match '^<!DOCTYPE html>'
        $html | Should -Not -Match '\ssrc\s*='
        $html | Should -Not -Match '<link\b'
        [regex]::Matches($html, 'href="([^"]*)"') | ForEach-Object { $_.Groups[1].Value | Should -BeLike 'https://github.com/aks-security/AksSecurity/blob/main/docs/checks.md#aks-*' }
        foreach ($finding in $Offline.Findings) {
            $html | Should -Match ([regex]::Escape([System.Net.WebUtility]::HtmlEncode($finding.Evidence)))
            $html | Should -Match ([regex]::Escape([System.Net.WebUtility]::HtmlEncode($finding.Remediation)))
        }
    }

    It 'takes the format from the file name and writes that file' {
        $page = Join-Path $TestDrive 'named/report.html'
        $file = Test-AksApiAccess -Path (Join-Path $ExamplesDirectory 'test-wide.json') | Export-AksSecurityReport -Path $page -PassThru
        $file.FullName | Should -Be $page
        Get-Content -Raw $page | Should -Match 'Authorized IP ranges allow the whole internet'
    }

    It 'writes nothing with -WhatIf, not even the folder, and names each file it would write' {
        $target = Join-Path $TestDrive 'whatif'
        $text = Get-HostOutput { $Offline | Export-AksSecurityReport -Path $target -Format Json, Html -WhatIf }
        Test-Path $target | Should -BeFalse
        $text | Should -Match ([regex]::Escape("Performing the operation `"Write the Json report`" on target `"$(Join-Path $target 'aks-security.json')`""))
        $text | Should -Match ([regex]::Escape("Performing the operation `"Write the Html report`" on target `"$(Join-Path $target 'aks-security.html')`""))
    }

    It 'replaces an existing file only with -Force' {
        $target = Join-Path $TestDrive 'existing'
        New-Item -ItemType Directory $target | Out-Null
        Set-Content (Join-Path $target 'aks-security.json') 'old'
        $err = $null
        $written = $Offline | Export-AksSecurityReport -Path $target -Format Json, Markdown -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        $err[0].Exception.Message | Should -Match '-Force'
        Get-Content -Raw (Join-Path $target 'aks-security.json') | Should -Be "old$([Environment]::NewLine)"
        $written.Name | Should -Be 'aks-security.md'

        $Offline | Export-AksSecurityReport -Path $target -Format Json -Force
        (Get-Content -Raw (Join-Path $target 'aks-security.json') | ConvertFrom-Json).clusters | Should -HaveCount 5
    }

    It 'stops with a clear error for <Case>, before writing anything' -TestCases @(
        @{ Case = 'another provider'; Path = 'Env:/reports'; Format = @('Json'); Message = 'file system' }
        @{ Case = 'a file where a folder is needed'; Path = 'file.txt'; Format = @('Json', 'Html'); Message = 'must name a folder' }
        @{ Case = 'a path through a file'; Path = 'file.txt/reports/out.html'; Format = @('Html'); Message = 'which is a file' }
        @{ Case = 'no format asked or implied'; Path = 'results.xml'; Format = @(); Message = 'Say which report to write with -Format' }
    ) {
        $work = Join-Path $TestDrive "bad-$([guid]::NewGuid())"
        New-Item -ItemType Directory $work | Out-Null
        Set-Content (Join-Path $work 'file.txt') 'x'
        Push-Location $work
        try {
            $formatArgs = if ($Format.Count) { @{ Format = $Format } } else { @{} }
            { $Offline | Export-AksSecurityReport -Path $Path @formatArgs -ErrorAction Stop } | Should -Throw -ExpectedMessage "*$Message*"
            try { $Offline | Export-AksSecurityReport -Path $Path @formatArgs -ErrorAction Stop } catch { $_.CategoryInfo.Category | Should -Be 'InvalidArgument' }
            @(Get-ChildItem $work -Recurse).Name | Should -Be 'file.txt'
        }
        finally { Pop-Location }
    }

    It 'reports objects that are not results and writes the rest' {
        $err = $null
        $file = @('not a result') + @(Test-AksApiAccess -Path (Join-Path $ExamplesDirectory 'dev-open.json')) |
            Export-AksSecurityReport -Path (Join-Path $TestDrive 'mixed.json') -PassThru -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -HaveCount 1
        $err[0].CategoryInfo.Category | Should -Be 'InvalidType'
        (Get-Content -Raw $file.FullName | ConvertFrom-Json).clusters.clusterName | Should -Be 'dev-open'
    }

    It 'writes an empty report with a warning when nothing is piped in' {
        $warnings = $null
        @() | Export-AksSecurityReport -Path (Join-Path $TestDrive 'empty.md') -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -HaveCount 1
        Get-Content -Raw (Join-Path $TestDrive 'empty.md') | Should -Match 'No results were given to the report'
    }

    It 'never writes a secret that a document holds where no check looks' {
        $token = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwZXN0ZXIifQ.cGVzdGVyLXNpZ25hdHVyZQ'
        $document = Get-Content -Raw (Join-Path $ExamplesDirectory 'dev-open.json') | ConvertFrom-Json -AsHashtable
        $document.properties.servicePrincipalProfile = @{ clientId = 'msi'; secret = $token }
        $document.tags = @{ pipelineToken = $token }
        $source = Join-Path $TestDrive 'secret/dev-open.json'
        New-Item -ItemType Directory (Split-Path $source) -Force | Out-Null
        $document | ConvertTo-Json -Depth 50 | Set-Content $source
        $target = Join-Path $TestDrive 'secret-reports'
        Get-OfflineResult -Path $source | Export-AksSecurityReport -Path $target -Format Sarif, NUnit, JUnit, Json, Markdown, Html
        Get-ChildItem $target | Should -HaveCount 6
        Get-ChildItem $target | ForEach-Object { Get-Content -Raw $_.FullName | Should -Not -Match ([regex]::Escape('cGVzdGVyLXNpZ25hdHVyZQ')) }
    }
}

Describe 'Export-AksSecurityReport of live results' {
    BeforeAll {
        Reset-FakeArm
        $script:Live = Get-AksCluster | ForEach-Object { $_ | Test-AksApiAccess; Test-AksMonitoring -Id $_.Id }
        $script:LiveFolder = Join-Path $TestDrive 'live'
        $Live | Export-AksSecurityReport -Path $LiveFolder -Format Sarif, NUnit, JUnit, Json, Markdown, Html
    }

    It 'writes every format' {
        (Get-ChildItem $LiveFolder).Name | Sort-Object | Should -Be ($AllFiles | Sort-Object)
        Get-XmlSchemaError (Join-Path $LiveFolder 'aks-security.nunit.xml') 'TestResult.xsd' | Should -BeNullOrEmpty
        Get-XmlSchemaError (Join-Path $LiveFolder 'aks-security.junit.xml') 'JUnit.xsd' | Should -BeNullOrEmpty
    }

    It 'locates SARIF results at the cluster resource and merges the cmdlets per cluster' {
        $run = (Get-Content -Raw (Join-Path $LiveFolder 'aks-security.sarif') | ConvertFrom-Json).runs[0]
        $run.results | Should -HaveCount @($Live.Findings).Count
        $open = $run.results | Where-Object { $_.ruleId -eq 'AKS-API-001' -and $_.properties.clusterName -eq 'clustername1' }
        $open.locations[0].physicalLocation.artifactLocation.uri | Should -Be (Get-ClusterId rg1 clustername1).TrimStart('/')
        $open.locations[0].physicalLocation.artifactLocation.uriBaseId | Should -Be 'AZURE_RESOURCE_ID'
        $open.locations[0].logicalLocations[0].fullyQualifiedName | Should -Be (Get-ClusterId rg1 clustername1)

        $json = Get-Content -Raw (Join-Path $LiveFolder 'aks-security.json') | ConvertFrom-Json
        $json.clusters | Should -HaveCount @(Get-AksCluster).Count
        $json.clusters | ForEach-Object { $_.live | Should -BeTrue }
        ($json.clusters | Where-Object clusterName -eq 'clustername1').checks.checkId | Should -Contain 'AKS-MON-001'
    }
}

Describe 'Export-AksSecurityReport of Test-AksSecurity results' {
    BeforeAll {
        $suppressions = Join-Path $TestDrive 'suppressions.json'
        @(
            @{ checkId = 'AKS-API-005'; cluster = 'dev-*'; reason = 'Break-glass access until the bastion is ready'; expires = '2099-12-31' }
            @{ checkId = 'AKS-AAD-004'; cluster = 'prod-*'; reason = 'Migration to Entra ID'; expires = '2020-01-01' }
        ) | ConvertTo-Json | Set-Content $suppressions
        $script:Audit = Test-AksSecurity -Path (Join-Path $ExamplesDirectory '*.json') -SuppressionPath $suppressions -WarningAction SilentlyContinue
        $script:AuditFolder = Join-Path $TestDrive 'audit'
        $Audit | Export-AksSecurityReport -Path $AuditFolder -Format Sarif, NUnit, JUnit, Json, Markdown, Html
    }

    It 'reports each cluster with the audit''s score and counts' {
        $json = Get-Content -Raw (Join-Path $AuditFolder 'aks-security.json') | ConvertFrom-Json
        $json.clusters | Should -HaveCount $Audit.Count
        foreach ($result in $Audit) {
            $cluster = $json.clusters | Where-Object source -eq $result.Source
            $cluster.score | Should -Be $result.Score
            $cluster.checksRun | Should -Be $result.ChecksRun.Count
            $cluster.checksSkipped | Should -Be $result.Skipped.Count
            $cluster.findings | Should -HaveCount $result.Findings.Count
        }
    }

    It 'shows suppressed findings as accepted and expired suppressions as warnings' {
        $run = (Get-Content -Raw (Join-Path $AuditFolder 'aks-security.sarif') | ConvertFrom-Json).runs[0]
        $suppressed = $run.results | Where-Object { $_.ruleId -eq 'AKS-API-005' -and $_.properties.clusterName -eq 'dev-open' }
        $suppressed.suppressions[0].justification | Should -Be 'Break-glass access until the bastion is ready'
        $run.invocations[0].toolConfigurationNotifications.message.text | Should -Contain 'prod-private: the suppression of AKS-AAD-004 (Migration to Entra ID) expired on 2020-01-01 00:00 UTC and was not honoured.'

        Get-XmlSchemaError (Join-Path $AuditFolder 'aks-security.nunit.xml') 'TestResult.xsd' | Should -BeNullOrEmpty
        Get-XmlSchemaError (Join-Path $AuditFolder 'aks-security.junit.xml') 'JUnit.xsd' | Should -BeNullOrEmpty
        $nunit = [xml](Get-Content -Raw (Join-Path $AuditFolder 'aks-security.nunit.xml'))
        $case = $nunit.SelectSingleNode("//test-suite[@name='dev-open']/test-case[@methodname='AKS-API-005']")
        $case.result | Should -Be 'Skipped'
        $case.reason.message | Should -Match '^Suppressed: Break-glass access'

        Get-Content -Raw (Join-Path $AuditFolder 'aks-security.md') | Should -Match 'Expired suppression, not honoured: AKS-AAD-004'
        Get-Content -Raw (Join-Path $AuditFolder 'aks-security.html') | Should -Match 'Expired suppressions are not honoured'
    }

    It 'reports the whole fleet audited live' {
        Reset-FakeArm
        $fleet = Test-AksSecurity -All -Sort -WarningAction SilentlyContinue
        $file = $fleet | Export-AksSecurityReport -Path (Join-Path $TestDrive 'fleet.json') -PassThru
        $json = Get-Content -Raw $file.FullName | ConvertFrom-Json
        $json.clusters | Should -HaveCount $fleet.Count
        $json.clusters | ForEach-Object { $_.live | Should -BeTrue }
        $json.summary.findings | Should -Be @($fleet.Findings).Count
    }
}

Describe 'The HTML report in a real browser' {
    BeforeAll {
        $script:Chromium = '/usr/bin/chromium'
        $script:Page = Join-Path $TestDrive 'browser/aks-security.html'
        $suppressions = Join-Path $TestDrive 'browser-suppressions.json'
        @(@{ checkId = 'AKS-API-005'; cluster = 'dev-*'; reason = 'Break-glass access until the bastion is ready'; expires = '2099-12-31' }) | ConvertTo-Json -AsArray | Set-Content $suppressions
        $script:Audited = Test-AksSecurity -Path (Join-Path $ExamplesDirectory '*.json') -SuppressionPath $suppressions -WarningAction SilentlyContinue
        $Audited | Export-AksSecurityReport -Path $Page
        # The build keeps the screenshot with the test results; run alone, it stays in the test drive.
        $results = Join-Path $RepoRoot 'out/test-results'
        $script:Screenshot = if (Test-Path $results) { Join-Path $results 'aks-security-report.png' } else { Join-Path $TestDrive 'aks-security-report.png' }

        function Invoke-Chromium([string[]] $Arguments) {
            $profileDir = Join-Path $TestDrive "chromium-$([guid]::NewGuid())"
            $common = '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
                '--disable-component-update', '--disable-sync', "--user-data-dir=$profileDir"
            & $Chromium @common @Arguments 2>$null
        }
    }

    It 'renders to a full-size screenshot' {
        if (-not (Test-Path $Chromium)) { Set-ItResult -Skipped -Because "$Chromium is not installed (Debian package 'chromium')"; return }
        Invoke-Chromium "--screenshot=$Screenshot", '--window-size=1280,2000', ([uri]::new($Page).AbsoluteUri) | Out-Null
        $bytes = [IO.File]::ReadAllBytes($Screenshot)
        $bytes[0..7] | Should -Be @(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A)
        # IHDR: width and height, big-endian, at bytes 16 and 20.
        [Buffers.Binary.BinaryPrimitives]::ReadInt32BigEndian([byte[]]$bytes[16..19]) | Should -Be 1280
        [Buffers.Binary.BinaryPrimitives]::ReadInt32BigEndian([byte[]]$bytes[20..23]) | Should -Be 2000
        # A blank or unstyled page compresses to a few kilobytes; the report's colours, charts and text do not.
        $bytes.Length | Should -BeGreaterThan 100KB
    }

    It 'runs its script under its own Content-Security-Policy' {
        if (-not (Test-Path $Chromium)) { Set-ItResult -Skipped -Because "$Chromium is not installed (Debian package 'chromium')"; return }
        $dom = (Invoke-Chromium '--dump-dom', ([uri]::new($Page).AbsoluteUri)) -join "`n"
        $count = @($Audited.Findings).Count
        # The script fills this counter in; a blocked script would leave it empty.
        $dom | Should -Match "Showing $count of $count"
    }
}
