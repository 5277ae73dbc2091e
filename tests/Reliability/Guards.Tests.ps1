# Lockouts: every dangerous change is refused (a SecurityError, nothing written) or asks first (ConfirmImpact High, its
# prompt naming the danger), as docs/cmdlets say; where -Force is the documented way past a refusal, it works.
# One row per guard; a guard holds when every assertion of its row does. Writes are the cluster's ARM writes and any
# write in the fake Kubernetes cluster (a row's Setup may install what an Uninstall- guard protects).
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Connect-FakeArm | Out-Null
    Set-FakeArmOption @{ lroPollsBeforeDone = 0 }
    # Prompts are asserted in a runspace without a user interface: there a confirmation fails with the prompt's text.
    $state = [initialsessionstate]::CreateDefault2()
    $state.ImportPSModule($ModulePath)
    $script:NoUi = [runspacefactory]::CreateRunspace($state)
    $NoUi.Open()
    $script:Holding = 0
    $script:Counter = 0

    function New-GuardCluster($Guard) {
        $script:Counter++
        if ($Guard.Cluster) { return Get-ClusterId $Guard.ResourceGroup $Guard.Cluster }
        New-CaseCluster -Name "guard-$Counter" -Seed ($Guard.Seed ?? @{})
    }

    function Get-Writes([string] $Id) {
        # ARM writes on the cluster (fetching a kubeconfig is a POST that changes nothing) and any write in the fake cluster.
        @(Get-FakeArmRequest | Where-Object { $_.method -in 'PUT', 'POST', 'DELETE' -and $_.path -like "*$($Id.Split('/')[-1])*" -and $_.path -notmatch '/listCluster(User|Admin)Credential$' }) +
        @(Get-FakeKubernetesRequest | Where-Object method -ne 'GET')
    }
}

AfterAll {
    $NoUi.Dispose()
    Write-ReliabilityFigures 'guards' @{ Total = $GuardRows.Count; Holding = $Holding }
    Disconnect-AksSecurity
    Stop-FakeArm $Arm
}

Describe 'Guard: <Name> (<Command>)' -ForEach $GuardRows {
    It 'holds' {
        $id = New-GuardCluster $_
        Reset-FakeKubernetes
        if ($Setup) { & $Setup $id }
        $before = Get-ClusterState -Id $id
        Clear-FakeArmRequest
        Clear-FakeKubernetesRequest
        $arguments = $Arguments
        if ($Refused) {
            $saved = $env:AKSSECURITY_CALLER_IP
            $env:AKSSECURITY_CALLER_IP = $CallerVariable
            if ((Get-Command $Command).Parameters.ContainsKey('Confirm')) { $arguments = $arguments + @{ Confirm = $false } }
            try { & $Command -Id $id @arguments -ErrorVariable failures -ErrorAction SilentlyContinue }
            finally { $env:AKSSECURITY_CALLER_IP = $saved }
            $failures.Count | Should -Be 1
            "$($failures[0].CategoryInfo.Category)" | Should -Be ($Category ?? 'SecurityError')
            $failures[0].Exception.Message | Should -Match ([regex]::Escape($Refused))
            Test-ClearError $failures[0] | Should -BeTrue
        }
        else {
            # ConfirmImpact High: without -Confirm:$false it asks, and the question names what cannot be undone.
            $ps = [powershell]::Create()
            $ps.Runspace = $NoUi
            $null = $ps.AddCommand($Command).AddParameter('Id', $id)
            foreach ($argument in $arguments.GetEnumerator()) { $null = $ps.AddParameter($argument.Key, $argument.Value) }
            $prompt = try { $ps.Invoke(); 'no prompt' } catch { $_.Exception.InnerException.Message ?? $_.Exception.Message }
            $ps.Dispose()
            $prompt | Should -Match 'request confirmation'
            $prompt | Should -Match ([regex]::Escape($Prompt))
        }
        Get-Writes $id | Should -BeNullOrEmpty -Because 'a refused or unconfirmed change sends nothing'
        Get-ClusterState -Id $id | Should -Be $before

        if ($Force) {
            # The documented way past the guard goes through.
            $force = $Force
            & $Command -Id $id @arguments @force -WarningAction SilentlyContinue -ErrorAction Stop
            Get-Writes $id | Should -Not -BeNullOrEmpty
        }
        $script:Holding++
    }
}

Describe 'Guard coverage' {
    It 'has a guard row for every cmdlet with ConfirmImpact High' {
        $high = Get-Command -Module AksSecurity -CommandType Cmdlet | Where-Object { $_.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).ConfirmImpact -eq 'High' }
        $guarded = $GuardRows | Where-Object Prompt | ForEach-Object Command
        $high.Name | Where-Object { $_ -notin $guarded } | Should -BeNullOrEmpty
    }
}
