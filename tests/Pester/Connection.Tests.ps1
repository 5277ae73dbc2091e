BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    $script:Token = 'tok-5f1c9e77-distinctive-secret'
}

AfterAll {
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Connect-AksSecurity' {
    BeforeEach { Disconnect-AksSecurity; Clear-FakeArmRequest }

    It 'connects with an access token to a custom ARM endpoint and picks the subscription' {
        $context = Connect-FakeArm -Token $Token
        $context | Should -BeOfType ([AksSecurity.AksContext])
        $context.SubscriptionId | Should -Be $Sub0
        $context.SubscriptionName | Should -Be 'AksSecurity Test 1'
        $context.AuthenticationMethod | Should -Be 'AccessToken'
        $context.Environment | Should -Be 'Custom'
        (Get-AksSecurityContext).SubscriptionId | Should -Be $Sub0
    }

    It 'chooses a subscription by display name' {
        (Connect-FakeArm -Subscription 'AksSecurity Test 2').SubscriptionId | Should -Be $Sub1
    }

    It 'reports an unknown subscription as ObjectNotFound' {
        $err = $null
        Connect-AksSecurity -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -ArmEndpoint $Arm.ArmEndpoint -Subscription 'No Such Subscription' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ObjectNotFound*' 
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].TargetObject | Should -Be 'No Such Subscription'
    }

    It 'connects with the managed identity endpoint that Azure Automation provides' {
        $env:IDENTITY_ENDPOINT = $Arm.IdentityEndpoint
        $env:IDENTITY_HEADER = $Arm.IdentityHeader
        try {
            $context = Connect-AksSecurity -Identity -ArmEndpoint $Arm.ArmEndpoint
            $context.AuthenticationMethod | Should -Be 'ManagedIdentity'
            @(Get-FakeArmRequest -PathContains '/msi/token').Count | Should -BeGreaterThan 0
            @(Get-AksCluster).Count | Should -Be 3
        }
        finally {
            Remove-Item Env:IDENTITY_ENDPOINT, Env:IDENTITY_HEADER
        }
    }

    It 'connects as a service principal with a PSCredential' {
        $credential = [pscredential]::new('11111111-2222-3333-4444-555555555555', (ConvertTo-SecureString 'sp-secret-value' -AsPlainText -Force))
        $context = Connect-AksSecurity -ServicePrincipal -TenantId '72f988bf-0000-0000-0000-000000000000' -Credential $credential -ArmEndpoint $Arm.ArmEndpoint
        $context.AuthenticationMethod | Should -Be 'ServicePrincipalSecret'
        $context.Account | Should -Be '11111111-2222-3333-4444-555555555555'
    }

    It 'reports a wrong client secret as an AuthenticationError without the secret' {
        $credential = [pscredential]::new('11111111-2222-3333-4444-555555555555', (ConvertTo-SecureString 'wrong' -AsPlainText -Force))
        $err = $null
        Connect-AksSecurity -ServicePrincipal -TenantId '72f988bf-0000-0000-0000-000000000000' -Credential $credential -ArmEndpoint $Arm.ArmEndpoint -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].Exception.Message | Should -Match 'Could not get a token'
    }

    It 'refuses an http endpoint' {
        $err = $null
        Connect-AksSecurity -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -ArmEndpoint 'http://127.0.0.1:1/' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'reports an unreachable ARM as a ConnectionError after bounded retries' {
        $err = $null
        Connect-AksSecurity -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -ArmEndpoint 'https://127.0.0.1:9/' -ArmAudience 'https://management.fakearm.test/' -AuthorityHost 'https://127.0.0.1:9/' -MaxRetryCount 0 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].CategoryInfo.Category | Should -Be 'ConnectionError'
        $err[0].Exception.Message | Should -Match 'after 1 attempts'
    }

    It 'refuses -ArmAudience without -ArmEndpoint' {
        { Connect-AksSecurity -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -ArmAudience 'https://x/' } | Should -Throw -ErrorId 'InvalidArgument*'
    }

    It 'rejects -Environment together with -ArmEndpoint' {
        { Connect-AksSecurity -AccessToken (ConvertTo-SecureString 't' -AsPlainText -Force) -Environment AzureCloud -ArmEndpoint $Arm.ArmEndpoint } |
            Should -Throw -ErrorId 'InvalidArgument*'
    }

    It 'never shows the token in output, verbose, debug or errors' {
        $all = & {
            Connect-FakeArm -Token $Token -Verbose -Debug
            Get-AksSecurityContext | Format-List * | Out-String
            Get-AksCluster -Verbose -Debug | Format-List * | Out-String
            Get-AksCluster -ResourceGroupName rg1 -Name missing -Debug -ErrorAction Continue
        } *>&1 | Out-String
        $all | Should -Match 'HTTP GET https://127\.0\.0\.1'
        $all | Should -Not -Match ([regex]::Escape($Token))
        $all | Should -Not -Match 'fake-at\.'
        (Get-FakeArmRequest -PathContains '/subscriptions' | Select-Object -First 1).headers.Authorization | Should -Be 'Bearer <redacted>'
    }
}

Describe 'Without Connect-AksSecurity' {
    BeforeEach { Disconnect-AksSecurity; Clear-FakeArmRequest }
    AfterEach { Remove-Item Function:\Get-AzContext, Function:\Get-AzAccessToken -ErrorAction SilentlyContinue }

    It 'reuses a connected Az.Accounts context and its tokens' {
        # Stand-ins with the shapes Az.Accounts documents: PSAzureContext and PSAccessToken (Token as SecureString, Az.Accounts 5+).
        $global:FakeAzEndpoint = $Arm.ArmEndpoint
        function global:Get-AzContext {
            [pscustomobject]@{
                Account      = [pscustomobject]@{ Id = 'admin@contoso.com'; Type = 'User' }
                Tenant       = [pscustomobject]@{ Id = '72f988bf-0000-0000-0000-000000000000' }
                Subscription = [pscustomobject]@{ Id = '11111111-1111-1111-1111-111111111111'; Name = 'AksSecurity Test 2' }
                Environment  = [pscustomobject]@{
                    Name = 'AzureStackFake'; ResourceManagerUrl = $global:FakeAzEndpoint
                    ActiveDirectoryServiceEndpointResourceId = 'https://management.fakearm.test/'; ActiveDirectoryAuthority = $global:FakeAzEndpoint
                }
            }
        }
        function global:Get-AzAccessToken {
            param([string] $ResourceUrl, [switch] $AsSecureString)
            $global:AzTokenAudience = $ResourceUrl
            [pscustomobject]@{
                Token     = ConvertTo-SecureString 'az-accounts-token' -AsPlainText -Force
                ExpiresOn = [DateTimeOffset]::UtcNow.AddHours(1)
                TenantId  = '72f988bf-0000-0000-0000-000000000000'
                UserId    = 'admin@contoso.com'
                Type      = 'Bearer'
            }
        }

        $clusters = @(Get-AksCluster)
        $clusters.Name | Should -Be 'runcmd1'
        $global:AzTokenAudience | Should -Be 'https://management.fakearm.test/'
        $context = Get-AksSecurityContext
        $context.ConnectedBy | Should -Be 'Az.Accounts'
        $context.Account | Should -Be 'admin@contoso.com'
        $context.SubscriptionId | Should -Be $Sub1
    }

    It 'uses the default credential chain (here: the managed identity endpoint) and AKSSECURITY_ARM_ENDPOINT' {
        $env:IDENTITY_ENDPOINT = $Arm.IdentityEndpoint
        $env:IDENTITY_HEADER = $Arm.IdentityHeader
        $env:AKSSECURITY_ARM_ENDPOINT = $Arm.ArmEndpoint
        try {
            @(Get-AksCluster).Count | Should -Be 3
            (Get-AksSecurityContext).ConnectedBy | Should -Be 'DefaultChain'
        }
        finally {
            Remove-Item Env:IDENTITY_ENDPOINT, Env:IDENTITY_HEADER, Env:AKSSECURITY_ARM_ENDPOINT
        }
    }
}
