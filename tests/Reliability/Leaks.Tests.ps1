# Leaks: every exported cmdlet runs with -Verbose -Debug while a distinctive token is in play (Connect-AksSecurity
# -AccessToken; the fake ARM accepts any bearer), then every report format is written; no stream, error record (message,
# inner exceptions, target), output (ToString and JSON), host transcript or report file may contain a marker.
# Secrets the run itself produces join the markers before the scan: the kubeconfig token and client key that
# Get-AksKubeConfig fetched (its file must be owner-only). The in-cluster cmdlets run through an admin kubeconfig whose
# client key is a marker too (base64 as in the file, and the PEM text inside), with a distinctive notification-URL
# secret (Install-AksKured -NotifyUrl).
BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    . (Join-Path $PSScriptRoot 'KubernetesMatrix.ps1')
    Import-Module $ModulePath -Force
    $script:Arm = Start-FakeArm
    Set-FakeArmOption @{ lroPollsBeforeDone = 0 }
    $script:TokenMarker = "leak-marker-token-$([guid]::NewGuid().ToString('N'))"
    $script:NotifyMarker = "slack://leak-marker-notify-$([guid]::NewGuid().ToString('N'))/b/c"
    $script:LeakMarkers = @($TokenMarker, $NotifyMarker)
    $secureNotify = ConvertTo-SecureString $NotifyMarker -AsPlainText -Force
    # The in-cluster cmdlets' admin kubeconfig: its client key (the base64 of the file, and the PEM body inside) is a marker.
    $adminKubeConfig = (New-FakeKubeConfig -Path (Join-Path $TestDrive 'fake-admin.kubeconfig') -ClientCertificate).FullName
    $keyData = [regex]::Match((Get-Content -Raw $adminKubeConfig), 'client-key-data: (\S+)').Groups[1].Value
    $keyPem = [Text.Encoding]::ASCII.GetString([Convert]::FromBase64String($keyData)) -replace '-----[A-Z ]+-----|\s', ''
    $script:LeakMarkers += $keyData.Substring(100, 40), $keyPem.Substring(100, 40)
    Add-SecretProviderClassCrd
    $secureToken = ConvertTo-SecureString $TokenMarker -AsPlainText -Force
    $clusterId = Get-ClusterId rg1 clustername1
    $reports = Join-Path $TestDrive 'reports'
    $kubeConfigFile = Join-Path $TestDrive 'admin.kubeconfig'

    # Safe arguments per exported cmdlet (scriptblocks: evaluated when the row runs). Connect first, Disconnect last.
    $script:LeakRows = [ordered]@{
        'Connect-AksSecurity'                 = { @{ AccessToken = $secureToken; ArmEndpoint = $Arm.ArmEndpoint; Subscription = $Sub0; MaxRetryCount = 1 } }
        'Get-AksSecurityContext'              = { @{} }
        'Get-AksCluster'                      = { @{} }
        'Get-AksSecurityCheck'                = { @{} }
        'Test-AksApiAccess'                   = { @{ Id = $clusterId } }
        'Test-AksPolicy'                      = { @{ Id = $clusterId } }
        'Get-AksPolicyCompliance'             = { @{ Id = $clusterId } }
        'Test-AksMonitoring'                  = { @{ Id = $clusterId } }
        'Test-AksDefender'                    = { @{ Id = $clusterId } }
        'Test-AksAadRbac'                     = { @{ Id = $clusterId } }
        'Test-AksKeyVaultCsi'                 = { @{ Id = $clusterId } }
        'Test-AksUpgradePolicy'               = { @{ Id = $clusterId } }
        'Test-AksClusterConfiguration'        = { @{ Id = $clusterId } }
        'Test-AksSecurity'                    = { @{ Id = $clusterId } }
        'Assert-AksSecurity'                  = { @{ AuditResult = (Test-AksSecurity -Id $clusterId); FailOn = 'Critical' } }
        'Export-AksSecurityReport'            = { @{ InputObject = (Test-AksSecurity -Id $clusterId); Path = "$reports/"; Format = [enum]::GetNames([AksSecurity.ReportFormat]); Force = $true } }
        # Twice: the user kubeconfig (a token) as output, the admin one (a client key) written to a file.
        'Get-AksKubeConfig'                   = { @{ Id = $clusterId } }
        'Get-AksKubeConfig -Admin'            = { @{ Id = $clusterId; Admin = $true; Path = $kubeConfigFile; Force = $true } }
        # In the cluster, through the admin kubeconfig; Kured with the notification-URL secret.
        'Install-AksKured'                    = { @{ KubeConfig = $adminKubeConfig; NotifyUrl = $secureNotify; Period = '30m'; Confirm = $false } }
        'Get-AksKuredStatus'                  = { @{ KubeConfig = $adminKubeConfig } }
        'Uninstall-AksKured'                  = { @{ KubeConfig = $adminKubeConfig; Confirm = $false } }
        'Install-AksFalco'                    = { @{ KubeConfig = $adminKubeConfig; Confirm = $false } }
        'Get-AksFalcoAlert'                   = { Add-FalcoAlertLog; @{ KubeConfig = $adminKubeConfig } }
        'Uninstall-AksFalco'                  = { @{ KubeConfig = $adminKubeConfig; Confirm = $false } }
        'Invoke-AksKubeBench'                 = { @{ KubeConfig = $adminKubeConfig; NodeName = @('aks-nodepool1-12345678-vmss000000'); Confirm = $false } }
        'New-AksSecretProviderClass'          = { @{ KubeConfig = $adminKubeConfig; ClassName = 'leaks'; Provider = 'Vault'; VaultAddress = 'https://vault.example.com:8200'; RoleName = 'db'
                Object = @(@{ ObjectName = 'password'; SecretPath = 'secret/data/db'; SecretKey = 'password' }); Namespace = 'default'; Confirm = $false } }
        'Test-AksSecretStore'                 = { @{ KubeConfig = $adminKubeConfig } }
    }
    # The change cmdlets: their faults-matrix arguments, each on a fresh cluster.
    foreach ($row in $ChangeRows) {
        $LeakRows[$row.Command] = [scriptblock]::Create("`$a = `$ChangeRowsByName['$($row.Command)']; `$args2 = @{} + `$a.Arguments; `$args2.Id = New-CaseCluster -Name ('leak-' + '$($row.Command)'.ToLowerInvariant()) -Seed (`$a.Seed ?? @{}); `$args2.Confirm = `$false; `$args2")
    }
    $script:ChangeRowsByName = @{}
    foreach ($row in $ChangeRows) { $ChangeRowsByName[$row.Command] = $row }
    $LeakRows['Disconnect-AksSecurity'] = { @{} }

    function Find-Marker([string] $Text) { foreach ($marker in $LeakMarkers) { if ($Text -and $Text.Contains($marker, [StringComparison]::OrdinalIgnoreCase)) { return $marker } } }

    function Get-RecordText($Record) {
        # Everything a user or a log could see of one record.
        if ($Record -is [System.Management.Automation.ErrorRecord]) {
            $text = "$Record`n$($Record.Exception)`n$($Record.ErrorDetails)`n$($Record.TargetObject)`n$($Record.ScriptStackTrace)"
            for ($inner = $Record.Exception; $inner; $inner = $inner.InnerException) { $text += "`n$($inner.GetType().FullName): $($inner.Message)`n$($inner.Data | Out-String)" }
            return $text
        }
        $base = if ($Record -is [psobject]) { $Record.PSObject.BaseObject } else { $Record }
        "$Record`n$($Record | Out-String -Width 400)`n$(try { ConvertTo-Json -InputObject $base -Depth 2 -Compress -WarningAction SilentlyContinue } catch { '' })"
    }

    # One transcript over every run: what the host showed.
    $transcript = Join-Path $TestDrive 'transcript.txt'
    Start-Transcript -Path $transcript -Force | Out-Null
    $script:Scanned = [Collections.Generic.List[object]]::new()
    $script:Found = [Collections.Generic.List[string]]::new()
    $script:runs = [ordered]@{}
    try {
        foreach ($name in $LeakRows.Keys) {
            $arguments = & $LeakRows[$name]
            $command = $name.Split(' ')[0]
            $runs[$name] = @(& { & $command @arguments -Verbose -Debug -WarningAction Continue -InformationAction Continue -ErrorAction Continue } *>&1)
        }
    }
    finally {
        Stop-Transcript | Out-Null
    }

    # The secrets the run fetched are markers too: the user token and the admin client key.
    $userKubeConfig = $runs['Get-AksKubeConfig'] | Where-Object { $_ -is [AksSecurity.AksKubeConfig] } | Select-Object -First 1
    $userText = $userKubeConfig.Content | ConvertFrom-SecureString -AsPlainText
    $adminText = Get-Content -Raw $kubeConfigFile
    $script:KubeMarkers = @(
        [regex]::Match($userText, 'token: (\S+)').Groups[1].Value
        [regex]::Match($adminText, 'client-key-data: \S{100}(\S{40})').Groups[1].Value
    )
    $script:LeakMarkers += $KubeMarkers
    $script:KubeConfigMode = if (-not $IsWindows) { (Get-Item $kubeConfigFile).UnixFileMode }

    foreach ($name in $runs.Keys) {
        $records = $runs[$name]
        # Six streams: output, error, warning, verbose, debug, information (incl. host messages).
        foreach ($stream in 'Output', 'Error', 'Warning', 'Verbose', 'Debug', 'Information') {
            $inStream = switch ($stream) {
                'Error' { $records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } }
                'Warning' { $records | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } }
                'Verbose' { $records | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } }
                'Debug' { $records | Where-Object { $_ -is [System.Management.Automation.DebugRecord] } }
                'Information' { $records | Where-Object { $_ -is [System.Management.Automation.InformationRecord] } }
                default { $records | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.InformationalRecord] -and $_ -isnot [System.Management.Automation.InformationRecord] } }
            }
            $Scanned.Add([pscustomobject]@{ Cmdlet = $name; Stream = $stream; Records = @($inStream).Count })
            foreach ($record in $inStream) {
                if (Find-Marker (Get-RecordText $record)) { $Found.Add("$name $stream") }
            }
        }
    }
    # The kubeconfig file holds the key by design; every other file written is scanned.
    $script:Files = @(Get-ChildItem $reports -File -Recurse) + @(Get-Item $transcript)
    foreach ($file in $Files) {
        if (Find-Marker ([IO.File]::ReadAllText($file.FullName))) { $Found.Add("file $($file.Name)") }
    }
    Write-ReliabilityFigures 'leaks' @{ Leaks = $Found.Count; Streams = $Scanned.Count + 1; Files = $Files.Count; Where = @($Found) }
}

AfterAll {
    Stop-FakeArm $Arm
}

Describe 'Leak scan' {
    It 'has safe arguments for every exported cmdlet' {
        (Get-Command -Module AksSecurity -CommandType Cmdlet).Name | Where-Object { -not $LeakRows.Contains($_) } |
            Should -BeNullOrEmpty -Because 'a new cmdlet needs a row in Leaks.Tests.ps1'
    }

    It 'ran every cmdlet and saw its streams' {
        $Scanned.Count | Should -Be ($LeakRows.Count * 6)
        ($Scanned | Where-Object Stream -eq 'Debug' | Measure-Object Records -Sum).Sum | Should -BeGreaterThan 0 -Because '-Debug shows the HTTP lines, where a token would show'
    }

    It 'wrote every report format' {
        @($Files).Count | Should -Be ([enum]::GetNames([AksSecurity.ReportFormat]).Count + 1)
    }

    It 'had the notification-URL secret and the in-cluster client key in play' {
        $LeakMarkers.Count | Should -Be 6
        $runs['Install-AksKured'] | Where-Object { $_ -is [AksSecurity.KubernetesObjectChange] -and $_.Name -eq 'kured-notify' } | Should -Not -BeNullOrEmpty -Because 'the secret was stored'
    }

    It 'harvested the kubeconfig token and client key as markers, and wrote the kubeconfig owner-only' {
        $KubeMarkers | Where-Object { $_.Length -ge 20 } | Should -HaveCount 2
        if (-not $IsWindows) { $KubeConfigMode | Should -Be ([IO.UnixFileMode]::UserRead -bor [IO.UnixFileMode]::UserWrite) }
    }

    It 'would see a marker' {
        Find-Marker (Get-RecordText (Write-Error "token $TokenMarker" -ErrorAction Continue 2>&1)) | Should -Be $TokenMarker
    }

    It 'finds no marker anywhere' {
        $Found | Should -BeNullOrEmpty
    }
}
