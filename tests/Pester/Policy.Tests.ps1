BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    $script:ClusterId = Get-ClusterId rg1 clustername1
    $script:Assignments = "$ClusterId/providers/Microsoft.Authorization/policyAssignments"
    $script:BaselineAssignment = "$Assignments/aks-pod-security-baseline"
    $script:RestrictedAssignment = "$Assignments/aks-pod-security-restricted"
    $script:BaselineId = '/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d'
    $script:RestrictedId = '/providers/Microsoft.Authorization/policySetDefinitions/42b8ef37-b724-4e24-bbc8-7a7708edfe00'

    function Get-Write { @(Get-FakeArmRequest | Where-Object method -In 'PUT', 'DELETE') }
    function Get-StoredAssignment([string] $Id) { try { Get-FakeArmResource -Id $Id } catch { $null } }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Set-AksPolicyInitiative' {
    BeforeEach {
        Reset-FakeArm
        Clear-FakeArmRequest
    }

    It '-WhatIf shows the add-on field and the assignment''s fields and sends nothing' {
        $text = Get-HostOutput { Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Effect Deny -WhatIf }
        $text | Should -Match ([regex]::Escape('properties.addonProfiles.azurepolicy.enabled: (absent) -> true'))
        $text | Should -Match ([regex]::Escape("Create policy assignment 'aks-pod-security-baseline' (Baseline pod security initiative): $BaselineAssignment"))
        $text | Should -Match ([regex]::Escape("properties.policyDefinitionId: (absent) -> `"$BaselineId`""))
        $text | Should -Match ([regex]::Escape('properties.parameters.effect.value: (absent) -> "Deny"'))
        Get-Write | Should -BeNullOrEmpty
        Get-StoredAssignment $BaselineAssignment | Should -BeNullOrEmpty
    }

    It 'turns the add-on on, assigns the initiative, and a second run sends no write' {
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Effect Deny -ExcludedNamespace kube-system, gatekeeper-system -Confirm:$false
        $writes = Get-Write
        $writes.method | Should -Be @('PUT', 'PUT')
        $writes[0].path | Should -Be $ClusterId
        $writes[0].headers.'If-Match' | Should -Not -BeNullOrEmpty
        $writes[1].path | Should -Be $BaselineAssignment
        (Get-FakeArmCluster -Id $ClusterId).properties.addonProfiles.azurepolicy.enabled | Should -BeTrue
        $assignment = Get-FakeArmResource -Id $BaselineAssignment
        $assignment.properties.policyDefinitionId | Should -Be $BaselineId
        $assignment.properties.parameters.effect.value | Should -Be 'Deny'
        $assignment.properties.parameters.excludedNamespaces.value | Should -Be @('kube-system', 'gatekeeper-system')

        Clear-FakeArmRequest
        $text = Get-HostOutput { Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Effect deny -ExcludedNamespace gatekeeper-system, kube-system -Confirm:$false }
        $text | Should -Match "Cluster 'clustername1': no change"
        Get-Write | Should -BeNullOrEmpty
    }

    It 'updates the existing assignment rather than adding a second, showing only the changed fields' {
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Confirm:$false
        Clear-FakeArmRequest
        $text = Get-HostOutput { Set-AksPolicyInitiative -ResourceGroupName rg1 -Name clustername1 -Initiative Baseline -Effect Deny -Namespace apps -WhatIf }
        $text | Should -Match ([regex]::Escape("Update policy assignment 'aks-pod-security-baseline'"))
        $text | Should -Match ([regex]::Escape('properties.parameters.effect.value: "Audit" -> "Deny"'))
        $text | Should -Not -Match 'policyDefinitionId'
        $text | Should -Not -Match 'addonProfiles'

        Set-AksPolicyInitiative -ResourceGroupName rg1 -Name clustername1 -Initiative Baseline -Effect Deny -Namespace apps -Confirm:$false
        $writes = Get-Write
        $writes.Count | Should -Be 1
        $writes[0].path | Should -Be $BaselineAssignment
        (Get-FakeArmResource -Id $BaselineAssignment).properties.parameters.namespaces.value | Should -Be 'apps'
    }

    It 'takes over an assignment of the initiative made in the portal' {
        $portal = "$Assignments/3f1c0d5e8a7b4c2d9e6f1a0b"
        Set-FakeArmResource -Id $portal -Document @{ properties = @{ policyDefinitionId = $BaselineId; scope = $ClusterId; parameters = @{ effect = @{ value = 'audit' } } } } | Out-Null
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Effect Deny -Confirm:$false
        (Get-Write | Where-Object path -Like '*policyAssignments*').path | Should -Be $portal
        Get-StoredAssignment $BaselineAssignment | Should -BeNullOrEmpty
    }

    It 'refuses a bad effect or an unknown capability with InvalidArgument and sends nothing' {
        Clear-FakeArmRequest
        $err = $null
        try { Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Effect Block -Confirm:$false } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match "'Block' is not an allowed value of parameter 'effect' of the Baseline initiative: use Audit, Deny, Disabled"

        $err = $null
        try { Set-AksPolicyInitiative -Id $ClusterId -Initiative Restricted -AllowedCapability NET_BIND_SERVICE, CAP_SYS_ADMIN -Confirm:$false } catch { $err = $_ }
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match "'SYS_ADMIN', not 'CAP_SYS_ADMIN'"

        { Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -RequiredDropCapability ALL -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        { Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -ExcludedNamespace 'Kube_System' -Confirm:$false } | Should -Throw '*DNS-1123*'
        { Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Remove -Effect Deny -Confirm:$false } | Should -Throw -ErrorId 'InvalidArgument*'
        @(Get-FakeArmRequest).Count | Should -Be 0
    }

    It 'refuses Deny in kube-system unless -Force, writing nothing' {
        $err = $null
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Effect Deny -ExcludedNamespace gatekeeper-system -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $err[0].Exception.Message | Should -Match 'kube-system.*-Force'
        Get-Write | Should -BeNullOrEmpty

        Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Effect Deny -ExcludedNamespace gatekeeper-system -Force -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings | Should -Match '-Force: effect Deny applies in kube-system'
        (Get-FakeArmResource -Id $BaselineAssignment).properties.parameters.excludedNamespaces.value | Should -Be 'gatekeeper-system'
    }

    It 'replaces our Baseline assignment when switching to Restricted, and says so in the what-if' {
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Confirm:$false
        $text = Get-HostOutput { Set-AksPolicyInitiative -Id $ClusterId -Initiative Restricted -WhatIf }
        $text | Should -Match ([regex]::Escape("Delete policy assignment 'aks-pod-security-baseline' (Baseline pod security initiative): $BaselineAssignment"))
        $text | Should -Match 'which is deleted'

        Clear-FakeArmRequest
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Restricted -AllowedCapability NET_BIND_SERVICE -RequiredDropCapability ALL -Confirm:$false -WarningAction SilentlyContinue
        (Get-Write).method | Should -Be @('PUT', 'DELETE')
        Get-StoredAssignment $BaselineAssignment | Should -BeNullOrEmpty
        $restricted = Get-FakeArmResource -Id $RestrictedAssignment
        $restricted.properties.policyDefinitionId | Should -Be $RestrictedId
        $restricted.properties.parameters.allowedCapabilities.value | Should -Be 'NET_BIND_SERVICE'
        $restricted.properties.parameters.requiredDropCapabilities.value | Should -Be 'ALL'
    }

    It '-Remove deletes the assignment, keeps the add-on, and a second -Remove changes nothing' {
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Restricted -Confirm:$false
        Clear-FakeArmRequest
        Get-AksCluster -Id $ClusterId | Set-AksPolicyInitiative -Initiative Restricted -Remove -Confirm:$false
        $writes = Get-Write
        $writes.method | Should -Be 'DELETE'
        $writes.path | Should -Be $RestrictedAssignment
        Get-StoredAssignment $RestrictedAssignment | Should -BeNullOrEmpty
        (Get-FakeArmCluster -Id $ClusterId).properties.addonProfiles.azurepolicy.enabled | Should -BeTrue

        Clear-FakeArmRequest
        $text = Get-HostOutput { Set-AksPolicyInitiative -Id $ClusterId -Initiative Restricted -Remove -Confirm:$false }
        $text | Should -Match 'no change'
        Get-Write | Should -BeNullOrEmpty
    }

    It 'keeps a change someone made to the cluster between our read and our write' {
        Add-FakeArmFault -Method GET -PathContains '/managedClusters/clustername1' -Action ConcurrentWrite -JsonPath 'tags.owner' -Value 'platform-team' -Times 1
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Confirm:$false -WarningAction SilentlyContinue
        (Get-FakeArmRequest -Method PUT | Where-Object path -EQ $ClusterId).status | Should -Be @(412, 200)
        $cluster = Get-FakeArmCluster -Id $ClusterId
        $cluster.tags.owner | Should -Be 'platform-team'
        $cluster.properties.addonProfiles.azurepolicy.enabled | Should -BeTrue
        Get-StoredAssignment $BaselineAssignment | Should -Not -BeNullOrEmpty
    }
}

Describe 'Get-AksPolicyCompliance' {
    BeforeAll { Reset-FakeArm }

    It 'returns a typed summary per cluster with rows per assignment and definition' {
        Clear-FakeArmRequest
        $summary = Get-AksPolicyCompliance -ResourceGroupName rg1 -Name clustername1
        $summary | Should -BeOfType ([AksSecurity.PolicyComplianceSummary])
        $summary.ClusterId | Should -Be $ClusterId
        $summary.NonCompliantResources | Should -Be 1
        $summary.NonCompliantPolicies | Should -Be 14
        $summary.Assignments.PolicyAssignmentName | Should -Be @('8174043a1e2849179635b874', '1ef5d536aec743a0aa801c1a')
        $summary.Assignments[0] | Should -BeOfType ([AksSecurity.PolicyAssignmentCompliance])
        $summary.Assignments[1].Definitions[0] | Should -BeOfType ([AksSecurity.PolicyDefinitionCompliance])
        $summary.Assignments[1].Definitions[0].Effect | Should -Be 'audit'
        $post = @(Get-FakeArmRequest -Method POST)
        $post.Count | Should -Be 1
        $post[0].path | Should -Be "$ClusterId/providers/Microsoft.PolicyInsights/policyStates/latest/summarize"
        $post[0].query | Should -Match 'api-version=2024-10-01'
    }

    It 'shows tables for the summary and its rows, and takes clusters from the pipeline' {
        $summaries = Get-AksCluster -ResourceGroupName rg1 | Get-AksPolicyCompliance
        $summaries.ClusterName | Should -Be @('clustername1', 'private1')
        ($summaries[0] | Format-Table | Out-String -Width 200) | Should -Match 'clustername1\s+1\s+14\s+8174043a1e2849179635b874 1, 1ef5d536aec743a0aa801c1a 1'
        ($summaries[0].Assignments | Format-Table | Out-String -Width 200) | Should -Match 'clustername1\s+1ef5d536aec743a0aa801c1a\s+1\s+1'
    }

    It 'reports an unknown cluster as ObjectNotFound' {
        $err = $null
        Get-AksPolicyCompliance -Id (Get-ClusterId rg1 ghost) -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
    }
}

Describe 'Test-AksPolicy' {
    BeforeAll { Reset-FakeArm }

    It 'offline (-Path) checks only the add-on, in either key spelling' {
        $document = Get-Content -Raw (Join-Path $ExamplesDirectory 'dev-open.json') | ConvertFrom-Json -AsHashtable
        $document.properties.addonProfiles = @{ azurePolicy = @{ enabled = $true } }
        $on = Join-Path $TestDrive 'policy-on.json'
        $document | ConvertTo-Json -Depth 32 | Set-Content $on

        $passed = Test-AksPolicy -Path $on
        $passed.Passed | Should -BeTrue
        $passed.ChecksRun | Should -Be @('AKS-POL-001')

        $failed = Test-AksPolicy -LiteralPath (Join-Path $ExamplesDirectory 'dev-open.json')
        $failed.ChecksRun | Should -Be @('AKS-POL-001')
        $failed.Findings.CheckId | Should -Be 'AKS-POL-001'
        $failed.Findings[0].Evidence | Should -Match ([regex]::Escape('properties.addonProfiles.azurepolicy.enabled is (absent)'))
        $failed.Findings[0].Remediation | Should -Match 'Set-AksPolicyInitiative'
    }

    It 'live: reports the add-on and the missing initiative, reading the assignments with one list call' {
        Clear-FakeArmRequest
        $result = Test-AksPolicy -Id $ClusterId
        $result.Findings.CheckId | Should -Be @('AKS-POL-001', 'AKS-POL-002')
        $list = @(Get-FakeArmRequest -PathContains 'policyAssignments')
        $list.Count | Should -Be 1
        [uri]::UnescapeDataString($list[0].query) | Should -Match ([regex]::Escape('$filter=atScope()'))
    }

    It 'live: counts an assignment at the subscription, and reports Audit where Deny and Baseline where Restricted are required' {
        Set-FakeArmResource -Id "/subscriptions/$Sub0/providers/Microsoft.Authorization/policyAssignments/sub-pod-security" -Document @{
            properties = @{ policyDefinitionId = $BaselineId; parameters = @{ effect = @{ value = 'Audit' } } }
        } | Out-Null
        Set-AksPolicyInitiative -Id $ClusterId -Initiative Baseline -Confirm:$false

        (Test-AksPolicy -Id $ClusterId).Passed | Should -BeTrue
        $deny = Test-AksPolicy -Id $ClusterId -RequiredEffect Deny
        $deny.Findings.CheckId | Should -Be 'AKS-POL-003'
        $deny.Findings[0].Evidence | Should -Match "'sub-pod-security' \(Baseline\) at /subscriptions/$Sub0"
        (Test-AksPolicy -Id $ClusterId -RequiredInitiative Restricted).Findings.CheckId | Should -Be 'AKS-POL-004'

        Set-AksPolicyInitiative -Id $ClusterId -Initiative Restricted -Effect Deny -Confirm:$false -WarningAction SilentlyContinue
        $strict = Get-AksCluster -Id $ClusterId | Test-AksPolicy -RequiredEffect Deny -RequiredInitiative Restricted
        $strict.Passed | Should -BeTrue
        $strict.ChecksRun | Should -Be @('AKS-POL-001', 'AKS-POL-002', 'AKS-POL-004', 'AKS-POL-003')
    }
}
