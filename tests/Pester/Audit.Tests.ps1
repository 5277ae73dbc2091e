BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:OpenId = Get-ClusterId rg1 clustername1
    $script:BaselineId = '/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d'
    $script:Law = "/subscriptions/$Sub0/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-security"
    $script:EvidenceDirectory = Join-Path $RepoRoot 'examples/evidence'
    $script:AllIds = @(Get-AksSecurityCheck).Id

    # A copy of an example document under another name in TestDrive, with changes made by the script block.
    function New-ClusterFile([string] $Name, [string] $From = 'dev-open.json', [scriptblock] $Change) {
        $doc = Get-Content -Raw (Join-Path $ExamplesDirectory $From) | ConvertFrom-Json -AsHashtable
        if ($Change) { & $Change $doc }
        $path = Join-Path $TestDrive $Name
        $doc | ConvertTo-Json -Depth 50 | Set-Content $path
        $path
    }

    # The message of the terminating error a script block throws.
    function Get-TerminatingError([scriptblock] $ScriptBlock) {
        try { & $ScriptBlock | Out-Null } catch { return $_ }
        throw 'The command did not throw a terminating error.'
    }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Get-AksSecurityCheck' {
    It 'lists the catalogue with its metadata' {
        $checks = @(Get-AksSecurityCheck)
        $checks.Count | Should -BeGreaterOrEqual 50
        $checks[0] | Should -BeOfType ([AksSecurity.SecurityCheck])
        @($checks.Id | Sort-Object -Unique).Count | Should -Be $checks.Count
        $api = $checks | Where-Object Id -eq 'AKS-API-001'
        $api.Cis | Should -Be '5.4.1'
        $api.PSRule | Should -Be 'Azure.AKS.AuthorizedIPs'
        $api.Checkov | Should -Be 'CKV_AZURE_6'
        $api.DocumentationUrl | Should -Be 'docs/checks.md#aks-api-001'
        $api.Evidence | Should -Be 'Document'
    }

    It 'names only exported cmdlets as fixes' {
        $fixers = @(Get-AksSecurityCheck | Where-Object FixedBy | Select-Object -ExpandProperty FixedBy -Unique)
        $fixers.Count | Should -BeGreaterThan 5
        foreach ($name in $fixers) { Get-Command -Module AksSecurity -Name $name | Should -Not -BeNullOrEmpty -Because "$name fixes a check" }
    }

    It 'filters by id pattern, severity and category' {
        (Get-AksSecurityCheck AKS-MON-*).Id | Should -Be @('AKS-MON-001', 'AKS-MON-002', 'AKS-MON-003', 'AKS-MON-004', 'AKS-MON-005', 'AKS-MON-006')
        (Get-AksSecurityCheck -Severity Critical).Id | Should -Be 'AKS-API-002'
        Get-AksSecurityCheck -Category Identity | ForEach-Object { $_.Category | Should -Be 'Identity' }
        (Get-AksSecurityCheck -CheckId AKS-CFG-* -Severity High).Id | Should -Be @('AKS-CFG-006', 'AKS-CFG-010')
    }

    It 'reports an unknown id as a non-terminating error and still lists the others' {
        $err = $null
        $checks = @(Get-AksSecurityCheck AKS-API-001, AKS-NOPE-001 -ErrorVariable err -ErrorAction SilentlyContinue)
        $checks.Id | Should -Be 'AKS-API-001'
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'explains the findings piped to it' {
        $ids = @((Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'test-wide.json') -Severity Critical).Findings | Get-AksSecurityCheck).Id
        $ids | Should -Be 'AKS-API-002'
    }

    It 'lists the rules of other tools it does not cover' {
        $rules = @(Get-AksSecurityCheck -NotCovered)
        $rules[0] | Should -BeOfType ([AksSecurity.ExternalRule])
        $rules.RuleId | Should -Contain 'Azure.AKS.AvailabilityZone'
        $rules | ForEach-Object { $_.Reason | Should -Not -BeNullOrEmpty }
    }

    It 'completes check ids with their titles' {
        $line = 'Test-AksSecurity -Path x.json -CheckId AKS-API-00'
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Be @('AKS-API-001', 'AKS-API-002', 'AKS-API-003', 'AKS-API-004', 'AKS-API-005', 'AKS-API-006', 'AKS-API-007')
        $completion.CompletionMatches[0].ToolTip | Should -BeLike 'AKS-API-001 `[High`] API server is reachable*'
    }
}

Describe 'docs/checks.md' {
    BeforeAll {
        $script:Page = Join-Path $RepoRoot 'docs/checks.md'
        $script:Generated = Join-Path $TestDrive 'checks.md'
        & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $RepoRoot 'build/New-CheckCatalogDoc.ps1') -ModulePath $ModulePath -OutputPath $Generated | Out-Null
    }

    It 'is what the generator writes from the catalogue' {
        $LASTEXITCODE | Should -Be 0
        Get-Content -Raw $Page | Should -BeExactly (Get-Content -Raw $Generated) -Because 'docs/checks.md is generated: run build.ps1 Build and commit it'
    }

    It 'is committed as generated' {
        if (-not (Get-Command git -ErrorAction SilentlyContinue) -or -not (Test-Path (Join-Path $RepoRoot '.git'))) {
            Set-ItResult -Skipped -Because 'the sources are not a git checkout'
            return
        }
        & git -C $RepoRoot diff --quiet HEAD -- docs/checks.md
        $LASTEXITCODE | Should -Be 0 -Because 'the build regenerated docs/checks.md: commit it with the check change'
    }

    It 'has a section whose anchor is each check id' {
        $text = Get-Content -Raw $Page
        foreach ($id in $AllIds) { $text | Should -Match "(?m)^### $id$" }
    }
}

Describe 'Test-AksSecurity offline' {
    BeforeEach { Clear-FakeArmRequest }

    It 'audits every example document, one result per cluster, reading nothing from ARM' {
        $results = @(Test-AksSecurity -Path (Join-Path $ExamplesDirectory '*.json'))

        $results.Count | Should -Be 5
        $results[0] | Should -BeOfType ([AksSecurity.AuditResult])
        foreach ($result in $results) {
            @($result.ChecksRun) + @($result.Skipped.CheckId) | Sort-Object | Should -Be ($AllIds | Sort-Object)
            $result.Score | Should -BeLessThan 100
            $result.PassedChecks + $result.FailedChecks | Should -Be $result.ChecksRun.Count
        }
        ($results | Where-Object ClusterName -eq 'test-wide').FailedOf('Critical') | Should -Be 1
        ($results | Where-Object ClusterName -eq 'dev-open').Skipped | Where-Object CheckId -eq 'AKS-POL-002' |
            ForEach-Object Reason | Should -BeLike 'Needs the policy assignments that apply to the cluster, which was not read*'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'streams one finding per failure with -AsFinding (alias -Detailed)' {
        $path = Join-Path $ExamplesDirectory 'dev-open.json'
        $findings = @(Test-AksSecurity -Path $path -AsFinding)
        $findings[0] | Should -BeOfType ([AksSecurity.Finding])
        $findings.Count | Should -Be (Test-AksSecurity -Path $path).Findings.Count
        @(Test-AksSecurity -Path $path -Detailed).Count | Should -Be $findings.Count
        $findings[0].DocumentationUrl | Should -Be "docs/checks.md#$($findings[0].CheckId.ToLowerInvariant())"
    }

    It 'runs only the selected checks' {
        $api = Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'dev-open.json') -CheckId AKS-API-* -ExcludeCheckId AKS-API-007
        $api.ChecksRun | Should -Be @('AKS-API-001', 'AKS-API-002', 'AKS-API-003', 'AKS-API-005', 'AKS-API-006')
        $api.Findings.CheckId | Should -Be @('AKS-API-001', 'AKS-API-005', 'AKS-API-006')

        $identity = Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'dev-open.json') -Category Identity -Severity High, Medium
        $identity.Findings.CheckId | Should -Be @('AKS-AAD-001', 'AKS-AAD-002', 'AKS-AAD-004', 'AKS-CFG-001', 'AKS-CFG-012')
    }

    It 'refuses a misspelt check id before reading anything' {
        $err = Get-TerminatingError { Test-AksSecurity -Path (Join-Path $ExamplesDirectory '*.json') -CheckId AKS-API-01 }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -BeLike "No check has the id 'AKS-API-01'*"
    }

    It 'reads the evidence file beside a document and passes over evidence files a wildcard finds' {
        $folder = New-Item -ItemType Directory (Join-Path $TestDrive 'beside') -Force
        Copy-Item (Join-Path $ExamplesDirectory 'prod-restricted.json') $folder
        $evidence = Get-Content -Raw (Join-Path $EvidenceDirectory 'prod-restricted.evidence.json') | ConvertFrom-Json -AsHashtable
        $evidence.Remove('clusterId')
        $evidence | ConvertTo-Json -Depth 50 | Set-Content (Join-Path $folder 'prod-restricted.evidence.json')

        $result = @(Test-AksSecurity -Path (Join-Path $folder '*.json') -Verbose 4>&1)
        $verbose = $result | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $audit = @($result | Where-Object { $_ -is [AksSecurity.AuditResult] })

        $audit.Count | Should -Be 1
        "$verbose" | Should -BeLike "*Evidence beside 'prod-restricted' read from*prod-restricted.evidence.json*"
        $audit[0].ChecksRun | Should -Contain 'AKS-POL-002'
        $audit[0].ChecksRun | Should -Contain 'AKS-UPG-004'
        $audit[0].Findings.CheckId | Should -Contain 'AKS-DEF-003'
        $audit[0].Findings.CheckId | Should -Not -Contain 'AKS-MON-003'
        $audit[0].Skipped | Where-Object { $_.Reason -like 'Needs*' } | Should -BeNullOrEmpty
    }

    It 'reads an evidence file named without wildcards as a document, and says it is none' {
        $err = $null
        $results = @(Test-AksSecurity -Path (Join-Path $EvidenceDirectory 'prod-restricted.evidence.json') -ErrorVariable err -ErrorAction SilentlyContinue)
        $results.Count | Should -Be 0
        $err[0].CategoryInfo.Category | Should -Be 'InvalidData'
    }

    It 'matches -EvidencePath entries to clusters by id' {
        $results = @(Test-AksSecurity -Path (Join-Path $ExamplesDirectory '*.json') -EvidencePath $EvidenceDirectory)
        ($results | Where-Object ClusterName -eq 'prod-restricted').ChecksRun | Should -Contain 'AKS-MON-002'
        ($results | Where-Object ClusterName -eq 'dev-open').ChecksRun | Should -Not -Contain 'AKS-MON-002'
    }

    It 'refuses a bad evidence file before auditing' {
        $bad = Join-Path $TestDrive 'bad.evidence.json'
        '{"diagnosticSetting": []}' | Set-Content $bad
        $err = Get-TerminatingError { Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'dev-open.json') -EvidencePath $bad }
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -BeLike '*unknown member(s) diagnosticSetting*'
    }

    It 'reads a languageVersion 2.0 template and leaves checks on expressions unknown' {
        $template = Join-Path $TestDrive 'main.json'
        @{
            '$schema'       = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#'
            languageVersion = '2.0'
            contentVersion  = '1.0.0.0'
            parameters      = @{ ranges = @{ type = 'array' } }
            resources       = @{
                aks = @{
                    type       = 'Microsoft.ContainerService/managedClusters'
                    apiVersion = '2026-08-01'
                    name       = 'aks-from-bicep'
                    location   = 'westeurope'
                    identity   = @{ type = 'SystemAssigned' }
                    properties = @{
                        enableRBAC             = $true
                        disableLocalAccounts   = "[parameters('disableLocalAccounts')]"
                        apiServerAccessProfile = @{ authorizedIPRanges = "[parameters('ranges')]"; disableRunCommand = $true }
                    }
                }
            }
        } | ConvertTo-Json -Depth 20 | Set-Content $template

        $result = Test-AksSecurity -LiteralPath $template
        $result.ClusterName | Should -Be 'aks-from-bicep'
        $result.Source | Should -Be "$template#resources['aks']"
        $result.Findings.CheckId | Should -Not -Contain 'AKS-API-001'
        $result.Findings.CheckId | Should -Not -Contain 'AKS-AAD-004'
        ($result.Skipped | Where-Object CheckId -eq 'AKS-API-001').Reason | Should -BeLike "*template expression ([[]parameters('ranges')])*"
        $result.ChecksRun | Should -Contain 'AKS-API-005'
        $result.ChecksRun | Should -Contain 'AKS-CFG-012'
        $result.Findings.CheckId | Should -Not -Contain 'AKS-CFG-012'
    }

    It 'reads files piped from Get-ChildItem' {
        $results = @(Get-ChildItem $ExamplesDirectory -Filter 'prod-*.json' | Test-AksSecurity)
        $results.ClusterName | Sort-Object | Should -Be @('prod-private', 'prod-restricted')
    }
}

Describe 'Suppressions' {
    It 'moves a suppressed finding aside with its reason (JSON)' {
        $file = Join-Path $TestDrive 'suppressions.json'
        @(
            @{ checkId = 'AKS-API-001'; cluster = 'dev-*'; reason = 'dev cluster, open on purpose'; expires = '2099-12-31' }
            @{ checkId = 'AKS-CFG-01?'; reason = 'platform defaults accepted' }
        ) | ConvertTo-Json | Set-Content $file

        $result = Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'dev-open.json') -SuppressionPath $file
        $result.Findings.CheckId | Should -Not -Contain 'AKS-API-001'
        $result.Findings.CheckId | Should -Not -Contain 'AKS-CFG-012'
        $suppressed = $result.Suppressed | Where-Object CheckId -eq 'AKS-API-001'
        $suppressed | Should -BeOfType ([AksSecurity.SuppressedFinding])
        $suppressed.Reason | Should -Be 'dev cluster, open on purpose'
        $suppressed.Expires.Year | Should -Be 2099
        $result.SuppressedChecks | Should -Be (@($result.Suppressed.CheckId | Sort-Object -Unique).Count)
        $result.HasExpiredSuppressions | Should -BeFalse

        $other = Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'test-wide.json') -SuppressionPath $file -CheckId AKS-API-*, AKS-CFG-012
        $other.Findings.CheckId | Should -Not -Contain 'AKS-CFG-012'
        $other.Suppressed.CheckId | Should -Not -Contain 'AKS-API-001'
    }

    It 'reads a PSD1 file as data' {
        $file = Join-Path $TestDrive 'suppressions.psd1'
        "@{ Suppressions = @( @{ CheckId = 'AKS-API-007'; Cluster = '*restricted'; Reason = 'private endpoint planned'; Expires = '2099-06-30' } ) }" | Set-Content $file
        $result = Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'prod-restricted.json') -SuppressionPath $file -CheckId AKS-API-*
        $result.Passed | Should -BeTrue
        $result.Suppressed.Reason | Should -Be 'private endpoint planned'
        $result.Score | Should -Be 100
    }

    It 'reports an expired suppression with a warning and a flag, and does not honour it' {
        $file = Join-Path $TestDrive 'expired.json'
        '[{"checkId": "AKS-API-001", "cluster": "dev-open", "reason": "until the firewall project", "expires": "2020-01-31"}]' | Set-Content $file
        $warnings = $null
        $result = Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'dev-open.json') -SuppressionPath $file -WarningVariable warnings -WarningAction SilentlyContinue

        $result.Findings.CheckId | Should -Contain 'AKS-API-001'
        $result.HasExpiredSuppressions | Should -BeTrue
        $result.ExpiredSuppressions.Reason | Should -Be 'until the firewall project'
        "$warnings" | Should -BeLike "The suppression of AKS-API-001 for 'dev-open' (*expired.json[[]0]) expired on 2020-01-31 00:00 UTC and is not honoured on 'dev-open': until the firewall project"
    }

    It 'refuses a suppression without a reason, naming the entry' {
        $file = Join-Path $TestDrive 'noreason.json'
        '{"suppressions": [{"checkId": "AKS-API-001"}]}' | Set-Content $file
        $err = Get-TerminatingError { Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'dev-open.json') -SuppressionPath $file }
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -BeLike "Suppression *noreason.json[[]0] of AKS-API-001 has no reason*"
    }
}

Describe 'Gating: -FailOn and Assert-AksSecurity' {
    It 'Test-AksSecurity -FailOn writes every result, then throws listing the failures at or above the threshold' {
        $script:written = @()
        $err = Get-TerminatingError { Test-AksSecurity -Path (Join-Path $ExamplesDirectory '*.json') -FailOn Critical | ForEach-Object { $script:written += $_ } }

        $written.Count | Should -Be 5
        $err.FullyQualifiedErrorId | Should -BeLike 'AksSecurityAuditFailed*'
        $err.CategoryInfo.Category | Should -Be 'SecurityError'
        $err.Exception.Message | Should -BeLike 'AKS security audit failed: 1 finding(s) at or above Critical on 1 of 5 cluster(s):*'
        $err.Exception.Message | Should -Match ([regex]::Escape('test-wide: AKS-API-002 [Critical] Authorized IP ranges allow the whole internet (docs/checks.md#aks-api-002)'))
        $err.TargetObject.CheckId | Should -Be 'AKS-API-002'
    }

    It 'does not throw when nothing at or above the threshold remains' {
        @(Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'prod-restricted.json') -CheckId AKS-API-001, AKS-API-005 -FailOn Low).Count | Should -Be 1
    }

    It 'Assert-AksSecurity gates piped results, counting only selected and unsuppressed findings' {
        $results = @(Test-AksSecurity -Path (Join-Path $ExamplesDirectory '*.json'))

        $err = Get-TerminatingError { $results | Assert-AksSecurity -FailOn High }
        $err.Exception.Message | Should -BeLike 'AKS security audit failed: * finding(s) at or above High on 5 of 5 cluster(s):*'
        ($err.TargetObject | Where-Object Severity -lt 'High') | Should -BeNullOrEmpty

        $passed = @($results | Assert-AksSecurity -CheckId AKS-UPG-* -FailOn High -PassThru)
        $passed.Count | Should -Be 5

        { $results | Assert-AksSecurity -CheckId AKS-API-002 -FailOn Critical } | Should -Throw -ExpectedMessage '*test-wide: AKS-API-002*'
    }

    It 'Assert-AksSecurity runs the audit itself with the same parameters' {
        $file = Join-Path $TestDrive 'accept-wide.json'
        '[{"checkId": "AKS-API-002", "cluster": "test-wide", "reason": "test cluster"}]' | Set-Content $file
        { Assert-AksSecurity -Path (Join-Path $ExamplesDirectory 'test-wide.json') -FailOn Critical } | Should -Throw -ExpectedMessage '*AKS-API-002*'
        { Assert-AksSecurity -Path (Join-Path $ExamplesDirectory 'test-wide.json') -FailOn Critical -SuppressionPath $file } | Should -Not -Throw
    }

    It 'stops the script and makes pwsh -File exit with a non-zero code' {
        $script = Join-Path $TestDrive 'gate.ps1'
        @"
Import-Module '$ModulePath'
Test-AksSecurity -Path '$(Join-Path $ExamplesDirectory 'test-wide.json')' -FailOn Critical | Out-Null
'not reached'
"@ | Set-Content $script
        $output = & dotnet pwsh -NoProfile -NonInteractive -File $script 2>&1
        $LASTEXITCODE | Should -Be 1
        "$output" | Should -Not -Match 'not reached'
        "$output" | Should -Match 'AKS security audit failed'

        $stop = Join-Path $TestDrive 'gate-stop.ps1'
        @"
`$ErrorActionPreference = 'Stop'
Import-Module '$ModulePath'
Test-AksSecurity -Path '$(Join-Path $ExamplesDirectory 'test-wide.json')' | Assert-AksSecurity -FailOn Critical
'not reached'
"@ | Set-Content $stop
        $output = & dotnet pwsh -NoProfile -NonInteractive -File $stop 2>&1
        $LASTEXITCODE | Should -Not -Be 0
        "$output" | Should -Not -Match 'not reached'

        $pass = Join-Path $TestDrive 'gate-pass.ps1'
        @"
Import-Module '$ModulePath'
Test-AksSecurity -Path '$(Join-Path $ExamplesDirectory 'prod-restricted.json')' -CheckId AKS-API-001 -FailOn Low | Out-Null
"@ | Set-Content $pass
        & dotnet pwsh -NoProfile -NonInteractive -File $pass *> $null
        $LASTEXITCODE | Should -Be 0
    }
}

Describe 'Test-AksSecurity live against the fake ARM' {
    BeforeEach {
        Reset-FakeArm
        Clear-FakeArmRequest
    }

    It 'reads the cluster and every kind of evidence beside it, once each' {
        Set-FakeArmResource -Id "/subscriptions/$Sub0/providers/Microsoft.Authorization/policyAssignments/sub-baseline" -Document @{
            properties = @{ policyDefinitionId = $BaselineId; parameters = @{ effect = @{ value = 'Deny' } }; enforcementMode = 'Default'; scope = "/subscriptions/$Sub0" }
        } | Out-Null
        Set-FakeArmResource -Id "$OpenId/providers/Microsoft.Insights/diagnosticSettings/audit" -Document @{
            properties = @{ workspaceId = $Law; logs = @(@{ category = 'kube-audit'; enabled = $true }) }
        } | Out-Null

        $result = Test-AksSecurity -ResourceGroupName rg1 -Name clustername1

        $result | Should -BeOfType ([AksSecurity.AuditResult])
        $result.ClusterId | Should -Be $OpenId
        $result.Skipped | Where-Object { $_.Reason -like 'Needs*' } | Should -BeNullOrEmpty
        $result.ChecksRun | Should -Contain 'AKS-POL-003'
        $result.Findings.CheckId | Should -Not -Contain 'AKS-POL-002'
        $result.Findings.CheckId | Should -Contain 'AKS-MON-004'
        $result.Findings.CheckId | Should -Contain 'AKS-MON-005'
        $result.Findings.CheckId | Should -Contain 'AKS-UPG-003'
        $result.Findings.CheckId | Should -Contain 'AKS-UPG-004'
        $result.Findings.CheckId | Should -Contain 'AKS-DEF-003'
        $requests = @(Get-FakeArmRequest -Method GET)
        @($requests | Where-Object path -like '*/managedClusters/clustername1').Count | Should -Be 1
        @($requests | Where-Object path -like '*/policyAssignments').query | Should -Match 'atScope'
        @($requests | Where-Object path -like '*/diagnosticSettings').Count | Should -Be 1
        @($requests | Where-Object path -like '*/maintenanceConfigurations').Count | Should -Be 1
        @($requests | Where-Object path -like '*/pricings/Containers').Count | Should -Be 1
        @($requests | Where-Object path -like '*/kubernetesVersions').Count | Should -Be 1
        @(Get-FakeArmRequest | Where-Object method -In 'PUT', 'POST', 'DELETE').Count | Should -Be 0
    }

    It 'reads only what the selected checks need' {
        $result = Test-AksSecurity -Id $OpenId -Category Identity
        $result.ChecksRun | Should -Contain 'AKS-AAD-001'
        @(Get-FakeArmRequest).path | Should -Be @($OpenId)
    }

    It 'audits clusters piped from Get-AksCluster without reading them again' {
        $clusters = @(Get-AksCluster -ResourceGroupName rg1)
        Clear-FakeArmRequest
        $results = @($clusters | Test-AksSecurity -Category Monitoring)
        $results.ClusterName | Should -Be @('clustername1', 'private1')
        @(Get-FakeArmRequest -Method GET | Where-Object path -like '*/managedClusters/*' | Where-Object path -notlike '*/providers/Microsoft.Insights/*').Count | Should -Be 0
        @(Get-FakeArmRequest -Method GET -PathContains 'diagnosticSettings').Count | Should -Be 2
    }

    It 'skips the checks whose evidence may not be read, with a warning' {
        Add-FakeArmFault -Method GET -PathContains 'policyAssignments' -Action Status -Status 403 -ErrorCode AuthorizationFailed -Times 5
        $warnings = $null
        $result = Test-AksSecurity -Id $OpenId -Category Policy -WarningVariable warnings -WarningAction SilentlyContinue
        "$warnings" | Should -BeLike "*policy assignments of 'clustername1' could not be read*"
        $result.ChecksRun | Should -Be 'AKS-POL-001'
        ($result.Skipped | Where-Object CheckId -eq 'AKS-POL-002').Reason | Should -BeLike 'Needs the policy assignments*'
    }

    It 'reports a missing cluster as a non-terminating error and goes on' {
        $err = $null
        $targets = (Get-ClusterId rg1 nope), $OpenId | ForEach-Object { [pscustomobject]@{ Id = $_ } }
        $results = @($targets | Test-AksSecurity -CheckId AKS-API-001 -ErrorVariable err -ErrorAction SilentlyContinue)
        $results.ClusterName | Should -Be 'clustername1'
        $err.Count | Should -Be 1
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }

    It 'audits the whole fleet through Resource Graph, in a stable order with -Sort' {
        $results = @(Test-AksSecurity -All -Sort -ThrottleLimit 2)
        $results.ClusterId | Should -Be @($OpenId, (Get-ClusterId rg1 private1), (Get-ClusterId rg2 restricted1), (Get-ClusterId rg3 runcmd1 $Sub1))
        $results | ForEach-Object { $_.ChecksRun | Should -Contain 'AKS-MON-002' }
        @(Get-FakeArmRequest -Method POST -PathContains 'Microsoft.ResourceGraph').Count | Should -Be 1
        @(Get-FakeArmRequest -Method GET | Where-Object { $_.path -match '/managedClusters/[^/]+$' }).Count | Should -Be 0
        # The Defender plan and the versions are read once per subscription (and region), not once per cluster.
        @(Get-FakeArmRequest -Method GET -PathContains 'pricings/Containers').Count | Should -Be 2
        @(Get-FakeArmRequest -Method GET -PathContains 'kubernetesVersions').Count | Should -Be 2
    }

    It 'narrows -All to -SubscriptionId and isolates one cluster''s failure' {
        Add-FakeArmFault -Method GET -PathContains 'private1/maintenanceConfigurations' -Action Status -Status 404 -ErrorCode ResourceNotFound
        $err = $null
        $results = @(Test-AksSecurity -All -SubscriptionId $Sub0 -ErrorVariable err -ErrorAction SilentlyContinue)
        $results.ClusterName | Sort-Object | Should -Be @('clustername1', 'restricted1')
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -BeLike "$(Get-ClusterId rg1 private1)*"
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}
