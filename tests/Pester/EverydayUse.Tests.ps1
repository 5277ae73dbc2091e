<#
    Everyday comforts of the built module: subscription completion (bounded, cached), Azure DevOps logging commands
    under TF_BUILD, and the checks Export-AksSecurityReport -BlobContainerUri makes before it sends anything.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches }
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Subscription completion' {
    BeforeEach { Reset-FakeArm; Disconnect-AksSecurity; Connect-FakeArm | Out-Null; Clear-FakeArmRequest }

    It 'offers the subscriptions by id, showing their names' {
        $found = @(Complete 'Get-AksCluster -SubscriptionId ')
        $found.CompletionText | Should -Be @($Sub0, $Sub1)
        $found.ListItemText | Should -Be @("AksSecurity Test 1 ($Sub0)", "AksSecurity Test 2 ($Sub1)")
    }

    It 'matches the start of a display name and inserts the id' {
        (Complete "Test-AksSecurity -All -SubscriptionId 'AksSecurity Test 2").CompletionText | Should -Be @($Sub1)
        (Complete 'Connect-AksSecurity -Identity -Subscription 1111').CompletionText | Should -Be @($Sub1)
    }

    It 'asks ARM once while the answer is fresh' {
        Complete 'Get-AksCluster -SubscriptionId ' | Out-Null
        Complete 'Set-AksApiAccess -ResourceGroupName rg1 -Name clustername1 -SubscriptionId ' | Out-Null
        @(Get-FakeArmRequest -Method GET -PathContains '/subscriptions' | Where-Object path -EQ '/subscriptions').Count | Should -Be 1
    }

    It 'gives up within a few seconds when ARM is slow, offering nothing' {
        Add-FakeArmFault -Method GET -PathContains '/subscriptions' -Action Delay -DelayMs 15000 -Times 5
        $elapsed = Measure-Command { $script:slow = @(Complete 'Get-AksCluster -SubscriptionId ') }
        $slow.Count | Should -Be 0
        $elapsed.TotalSeconds | Should -BeLessThan 8
    }

    It 'offers nothing when not connected, without signing in' {
        Disconnect-AksSecurity
        @(Complete 'Get-AksCluster -SubscriptionId ').Count | Should -Be 0
        @(Get-FakeArmRequest).Count | Should -Be 0
    }
}

Describe 'Azure DevOps logging commands (TF_BUILD)' {
    BeforeAll { Reset-FakeArm; Disconnect-AksSecurity; Connect-FakeArm | Out-Null }
    AfterEach { Remove-Item Env:TF_BUILD -ErrorAction SilentlyContinue }

    It 'writes a ##vso[task.logissue] error line with the error, once, and still the error record' {
        $env:TF_BUILD = 'True'
        $errors = $null
        $all = Get-AksCluster -ResourceGroupName rg1 -Name missing -ErrorAction SilentlyContinue -ErrorVariable errors 6>&1 | Out-String
        $all | Should -Not -Match 'logissue' -Because 'errors the caller silenced are not logged either'

        $lines = @(& { Get-AksCluster -ResourceGroupName rg1 -Name missing -ErrorAction Continue } 2>$null 6>&1 | ForEach-Object { "$_" } | Where-Object { $_ -like '##vso*' })
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match '^##vso\[task\.logissue type=error;(sourcepath=[^;]+;linenumber=\d+;)?code=ObjectNotFound[^;\]]*;\]Not found: .*/managedClusters/missing'
    }

    It 'writes a warning line, and nothing at all without TF_BUILD' {
        $env:TF_BUILD = 'True'
        $folder = Join-Path $TestDrive 'empty'
        $lines = @(@() | Export-AksSecurityReport -Path $folder -Format Json -WarningAction Continue 3>$null 6>&1 | ForEach-Object { "$_" } | Where-Object { $_ -like '##vso*' })
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match '^##vso\[task\.logissue type=warning;sourcepath=.+EverydayUse\.Tests\.ps1;linenumber=\d+;\]No results were piped in: the report lists no clusters\.$'

        Remove-Item Env:TF_BUILD
        @(@() | Export-AksSecurityReport -Path $folder -Format Json -Force 3>$null 6>&1 | ForEach-Object { "$_" } | Where-Object { $_ -like '##vso*' }).Count | Should -Be 0
    }

    It 'logs the audit gate before it stops the script' {
        $env:TF_BUILD = 'True'
        $lines = [System.Collections.Generic.List[string]]::new()
        try { Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'test-wide.json') -FailOn High 6>&1 | ForEach-Object { $lines.Add("$_") } } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'AksSecurityAuditFailed*'
        @($lines | Where-Object { $_ -like '##vso`[task.logissue type=error;*code=AksSecurityAuditFailed*' }).Count | Should -Be 1
    }
}

Describe 'Export-AksSecurityReport -BlobContainerUri' {
    BeforeEach { Reset-FakeArm; Disconnect-AksSecurity; Clear-FakeArmRequest }

    It 'refuses a session that holds only an ARM token, before anything is sent' {
        Connect-FakeArm | Out-Null
        Clear-FakeArmRequest
        $result = Test-AksSecurity -Path (Join-Path $ExamplesDirectory 'dev-open.json')
        { $result | Export-AksSecurityReport -BlobContainerUri "$($Arm.ArmEndpoint)devstoreaccount1/reports" -Format Json } | Should -Throw -ErrorId 'NotSupported*'
        @(Get-FakeArmRequest -PathContains 'devstoreaccount1').Count | Should -Be 0
    }

    It 'refuses a SAS URL and a missing -Format without showing the signature' {
        Connect-FakeArm | Out-Null
        $err = { @() | Export-AksSecurityReport -BlobContainerUri 'https://acct.blob.core.windows.net/reports?sv=2023-11-03&sig=c2VjcmV0' -Format Json } | Should -Throw -ErrorId 'InvalidArgument*' -PassThru
        $err.Exception.Message | Should -Not -Match 'c2VjcmV0'
        { @() | Export-AksSecurityReport -BlobContainerUri 'https://acct.blob.core.windows.net/reports' } | Should -Throw -ErrorId 'InvalidArgument*'
    }

    It 'uploads with a managed identity, -WhatIf sends nothing, -PassThru returns the blob URLs' {
        $env:IDENTITY_ENDPOINT = $Arm.IdentityEndpoint
        $env:IDENTITY_HEADER = $Arm.IdentityHeader
        try {
            Connect-AksSecurity -Identity -ArmEndpoint $Arm.ArmEndpoint | Out-Null
            $results = Test-AksSecurity -ResourceGroupName rg1 -Name clustername1
            $container = "$($Arm.ArmEndpoint)devstoreaccount1/reports"
            $results | Export-AksSecurityReport -BlobContainerUri $container -BlobNamePrefix 'whatif/' -Format Json -WhatIf
            @(Get-FakeArmRequest -PathContains 'devstoreaccount1').Count | Should -Be 0

            $uris = @($results | Export-AksSecurityReport -BlobContainerUri $container -BlobNamePrefix 'pester/run 1/' -Format Json, Sarif -PassThru)
            $uris | ForEach-Object { $_ | Should -BeOfType ([uri]) }
            @($uris.AbsoluteUri) | Should -Be @("$($container)/pester/run%201/aks-security.json", "$($container)/pester/run%201/aks-security.sarif")
            $err = $null
            $results | Export-AksSecurityReport -BlobContainerUri $container -BlobNamePrefix 'pester/run 1/' -Format Json -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].Exception.Message | Should -Match 'exists.*-Force'
            $results | Export-AksSecurityReport -BlobContainerUri $container -BlobNamePrefix 'pester/run 1/' -Format Json -Force
            @(Get-FakeArmRequest -Method PUT -PathContains 'pester/run').status | Should -Be @(201, 201, 409, 201)
        }
        finally {
            Remove-Item Env:IDENTITY_ENDPOINT, Env:IDENTITY_HEADER
        }
    }
}
