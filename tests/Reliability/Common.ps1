# Shared setup of the reliability suite (tests/Reliability), dot-sourced in BeforeDiscovery and BeforeAll: the tables
# every part reads (one row per cmdlet, so a new cmdlet is one row), the fake ARM helpers of tests/Pester, and the figures
# file each part writes for Invoke-ReliabilitySuite.ps1.
. (Join-Path $PSScriptRoot '../Pester/Common.ps1')

$script:Workspace = "/subscriptions/$Sub0/resourceGroups/rg-monitor/providers/Microsoft.OperationalInsights/workspaces/law-security"
$script:AdminGroup = 'f6a1c1c5-33c1-4bbb-8d1c-a1e2b3c4d5e6'

# Every cmdlet that changes a cluster: the arguments of one change that needs a cluster PUT (and its writes beside the
# cluster, when it has some), the edits that make the seed cluster need it, and the resources beside the cluster it
# writes (relative to the cluster id). Faults.Tests.ps1 fails when a Set-/Enable-/Disable- cmdlet of the module has no row.
$script:ChangeRows = @(
    @{ Command = 'Set-AksApiAccess'; Arguments = @{ AuthorizedIpRange = @('203.0.113.0/24'); CallerIpAddress = '203.0.113.7'; DisableRunCommand = $true } }
    @{ Command = 'Enable-AksAadRbac'; Arguments = @{ AdminGroupObjectId = @($AdminGroup); EnableAzureRbac = $true }; Seed = @{ 'properties.enableRBAC' = $true } }
    @{ Command = 'Set-AksPolicyInitiative'; Arguments = @{ Initiative = 'Baseline' }; Resources = @('providers/Microsoft.Authorization/policyAssignments/aks-pod-security-baseline') }
    @{ Command = 'Enable-AksKeyVaultCsi'; Arguments = @{ EnableSecretRotation = $true } }
    @{ Command = 'Enable-AksMonitoring'; Arguments = @{ WorkspaceResourceId = $Workspace }; Resources = @('providers/Microsoft.Insights/diagnosticSettings/aks-security-audit') }
    @{ Command = 'Enable-AksDefender'; Arguments = @{ WorkspaceResourceId = $Workspace } }
    @{ Command = 'Set-AksUpgradePolicy'; Arguments = @{ UpgradeChannel = 'patch'; NodeOSUpgradeChannel = 'NodeImage'; MaintenanceDay = 'Sunday'; MaintenanceStartTime = '02:00' }
        Resources = @('maintenanceConfigurations/aksManagedAutoUpgradeSchedule', 'maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule') }
    @{ Command = 'Enable-AksWorkloadIdentity'; Arguments = @{} }
    @{ Command = 'Enable-AksImageCleaner'; Arguments = @{} }
    @{ Command = 'Set-AksNodeResourceGroupRestriction'; Arguments = @{ RestrictionLevel = 'ReadOnly' } }
    @{ Command = 'Disable-AksLegacyAddon'; Arguments = @{}; Seed = @{ 'properties.addonProfiles.kubeDashboard' = @{ enabled = $true } } }
)

# Cmdlets that only read: their faults hit their first request to the cluster, afterwards the cluster must be as it
# was, and a success must give what a fault-free run gives (Verify: $output, $expected.Output of the fault-free run).
$script:ReaderRows = @(
    @{ Command = 'Test-AksSecurity'; Arguments = @{}; ReadOnly = $true
        Verify = { param($output, $expected) (ConvertTo-Json -Compress @($output.Findings.CheckId | Sort-Object)) -eq (ConvertTo-Json -Compress @($expected.Output.Findings.CheckId | Sort-Object)) } }
    @{ Command = 'Get-AksKubeConfig'; Arguments = @{}; ReadOnly = $true
        Verify = { param($output, $expected) $output.Count -eq 1 -and $output[0].Server -eq $expected.Output[0].Server -and $output[0].Authentication -eq $expected.Output[0].Authentication } }
)

# The in-cluster tool cmdlets (faults: KubernetesMatrix.ps1, run in lanes by KubernetesFaultRunner.ps1, each lane with a
# fake ARM and fake cluster of its own). Every run goes through the lane's admin kubeconfig (-KubeConfig, client
# certificate). Setup prepares the fake cluster before a run (and before the fault-free run the cases compare with);
# Points are the requests the transient faults hit (Stage apply/delete/list/log: Method and a path substring);
# Conflict is a field of one applied object that another field manager takes over after an install; Held is the
# request Ctrl+C comes during, once the requests After names were answered (Jobs = while waiting on kube-bench's Jobs);
# Verify compares a success's output with the fault-free run's.
$script:KubernetesToolRows = @(
    @{ Command = 'Install-AksFalco'; Arguments = @{}
        Points = @(@{ Stage = 'apply'; Method = 'PATCH'; PathContains = '/namespaces/falco/daemonsets/falco' }, @{ Stage = 'list'; Method = 'GET'; PathContains = '/apis/apps/v1/daemonsets' })
        Conflict = @{ ApiVersion = 'v1'; Kind = 'ConfigMap'; Namespace = 'falco'; Name = 'falco'; Path = @('data', 'falco.yaml') }
        Held = @{ Method = 'PATCH'; PathContains = '/namespaces/falco/daemonsets/falco'; After = @{ Method = 'PATCH'; PathContains = '/namespaces/falco/configmaps/falco-falcoctl'; Count = 1 } } }
    @{ Command = 'Uninstall-AksFalco'; Arguments = @{}; Setup = { Install-AksFalco -KubeConfig $KubeConfigPath -Confirm:$false | Out-Null }
        Points = @(@{ Stage = 'delete'; Method = 'DELETE'; PathContains = '/namespaces/falco/daemonsets/falco' }, @{ Stage = 'list'; Method = 'GET'; PathContains = '/apis/apps/v1/daemonsets' }) }
    @{ Command = 'Get-AksFalcoAlert'; Arguments = @{}; Setup = { Install-AksFalco -KubeConfig $KubeConfigPath -Confirm:$false | Out-Null; Add-FalcoAlertLog }
        Points = @(@{ Stage = 'list'; Method = 'GET'; PathContains = '/namespaces/falco/pods' }, @{ Stage = 'log'; Method = 'GET'; PathContains = '/log' })
        Verify = { param($output, $expected) @($output).Count -eq @($expected).Count -and "$(@($output).Rule | Sort-Object)" -eq "$(@($expected).Rule | Sort-Object)" } }
    @{ Command = 'Invoke-AksKubeBench'; Arguments = @{ Summary = $true; Timeout = [timespan]'00:00:30' }
        Points = @(@{ Stage = 'apply'; Method = 'PATCH'; PathContains = '/namespaces/aks-security-kube-bench/serviceaccounts/kube-bench' }
            @{ Stage = 'list'; Method = 'GET'; PathContains = '/namespaces/aks-security-kube-bench/pods' }, @{ Stage = 'log'; Method = 'GET'; PathContains = '/log' })
        Held = @{ Jobs = $true; After = @{ Method = 'POST'; PathContains = '/namespaces/aks-security-kube-bench/jobs'; Count = 3 } }
        Verify = { param($output, $expected) (@($output) | ForEach-Object { "$($_.Node) $($_.Pass) $($_.Fail) $($_.Warn)" }) -join ';' -eq ((@($expected) | ForEach-Object { "$($_.Node) $($_.Pass) $($_.Fail) $($_.Warn)" }) -join ';') } }
    @{ Command = 'New-AksSecretProviderClass'; Setup = { Add-SecretProviderClassCrd }
        Arguments = @{ Namespace = 'default'; ClassName = 'payments-kv'; Provider = 'Azure'; KeyVaultName = 'kv-payments'; TenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'
            ClientId = '11111111-2222-3333-4444-555555555555'; Object = @(@{ Name = 'db-password' }) }
        Points = @(@{ Stage = 'apply'; Method = 'PATCH'; PathContains = '/secretproviderclasses/payments-kv' })
        Conflict = @{ ApiVersion = 'secrets-store.csi.x-k8s.io/v1'; Kind = 'SecretProviderClass'; Namespace = 'default'; Name = 'payments-kv'; Path = @('spec', 'provider') }
        Held = @{ Method = 'PATCH'; PathContains = '/secretproviderclasses/payments-kv'; After = @{ Method = 'GET'; PathContains = '/secretproviderclasses/payments-kv'; Count = 2 } } }
    @{ Command = 'Test-AksSecretStore'; Arguments = @{}; Setup = { Add-SecretProviderClassCrd }
        Points = @(@{ Stage = 'list'; Method = 'GET'; PathContains = '/secretproviderclasses' })
        Verify = { param($output, $expected) (@($output.Findings.CheckId | Sort-Object) -join ',') -eq (@($expected.Findings.CheckId | Sort-Object) -join ',') } }
    @{ Command = 'Install-AksKured'; Arguments = @{ Period = '30m'; RebootDays = @('mo'); StartTime = '22:00'; EndTime = '04:00'; NotifyUrl = (ConvertTo-SecureString 'slack://faults-a/faults-b/faults-c' -AsPlainText -Force) }
        Points = @(@{ Stage = 'apply'; Method = 'PATCH'; PathContains = '/namespaces/kube-system/daemonsets/kured' }, @{ Stage = 'list'; Method = 'GET'; PathContains = '/apis/apps/v1/daemonsets' })
        Conflict = @{ ApiVersion = 'rbac.authorization.k8s.io/v1'; Kind = 'ClusterRole'; Name = 'kured'; Path = @('rules')
            Value = @(@{ apiGroups = @(''); resources = @('nodes'); verbs = @('get') }) }
        Held = @{ Method = 'PATCH'; PathContains = '/namespaces/kube-system/daemonsets/kured'; After = @{ Method = 'GET'; PathContains = '/namespaces/kube-system/daemonsets/kured'; Count = 2 } } }
    @{ Command = 'Uninstall-AksKured'; Arguments = @{}; Setup = { Install-AksKured -KubeConfig $KubeConfigPath -Confirm:$false | Out-Null }
        Points = @(@{ Stage = 'delete'; Method = 'DELETE'; PathContains = '/namespaces/kube-system/daemonsets/kured' }, @{ Stage = 'list'; Method = 'GET'; PathContains = '/apis/apps/v1/daemonsets' }) }
    @{ Command = 'Get-AksKuredStatus'; Arguments = @{}; Setup = { Install-AksKured -KubeConfig $KubeConfigPath -Confirm:$false | Out-Null }
        Points = @(@{ Stage = 'list'; Method = 'GET'; PathContains = '/api/v1/nodes' })
        Verify = { param($output, $expected) $output.Count -eq 1 -and $output[0].Installed -and $output[0].NumberReady -eq $expected[0].NumberReady -and $output[0].Healthy -eq $expected[0].Healthy } }
)

# Lockout guards (Guards.Tests.ps1): Refused = a refusal whose message contains this (SecurityError unless Category
# says otherwise), with Force the arguments that are the documented way past it; Prompt = a ConfirmImpact High question
# that contains this. Setup (given the cluster id) prepares what the guarded command would change.
$script:GuardRows = @(
    @{ Name = 'authorized ranges that exclude the caller'; Command = 'Set-AksApiAccess'
        Arguments = @{ AuthorizedIpRange = @('203.0.113.0/24'); CallerIpAddress = '198.51.100.17' }
        Refused = 'do not include your address 198.51.100.17'; Force = @{ Force = $true } }
    @{ Name = 'the caller address from AKSSECURITY_CALLER_IP'; Command = 'Set-AksApiAccess'; CallerVariable = '198.51.100.17'
        Arguments = @{ AuthorizedIpRange = @('203.0.113.0/24') }; Refused = 'do not include your address 198.51.100.17' }
    @{ Name = "removing the caller's range"; Command = 'Set-AksApiAccess'; Cluster = 'restricted1'; ResourceGroup = 'rg2'
        Arguments = @{ Remove = @('52.3.4.5/32'); CallerIpAddress = '52.3.4.5' }; Refused = 'do not include your address 52.3.4.5'; Force = @{ Force = $true } }
    @{ Name = 'local accounts off without an admin group or Azure RBAC'; Command = 'Enable-AksAadRbac'; Seed = @{ 'properties.enableRBAC' = $true }
        Arguments = @{ DisableLocalAccount = $true }; Refused = 'nobody could get cluster-admin credentials' }
    @{ Name = 'Kubernetes RBAC off (cannot be turned on in place)'; Command = 'Enable-AksAadRbac'; Category = 'InvalidOperation'
        Arguments = @{ AdminGroupObjectId = @($AdminGroup) }; Refused = 'Kubernetes RBAC off' }
    @{ Name = 'effect Deny on kube-system'; Command = 'Set-AksPolicyInitiative'
        Arguments = @{ Initiative = 'Baseline'; Effect = 'Deny'; ExcludedNamespace = @('gatekeeper-system') }; Refused = 'Effect Deny without kube-system'; Force = @{ Force = $true } }
    @{ Name = 'an admin kubeconfig of a cluster with local accounts disabled'; Command = 'Get-AksKubeConfig'; Category = 'InvalidOperation'
        Seed = @{ 'properties.disableLocalAccounts' = $true }; Arguments = @{ Admin = $true }; Refused = 'local accounts disabled' }
    @{ Name = 'managed Entra ID on (irreversible)'; Command = 'Enable-AksAadRbac'; Seed = @{ 'properties.enableRBAC' = $true }
        Arguments = @{ AdminGroupObjectId = @($AdminGroup) }; Prompt = 'cannot be turned off once it is on' }
    @{ Name = 'OIDC issuer on (irreversible)'; Command = 'Enable-AksWorkloadIdentity'; Arguments = @{}; Prompt = 'cannot be turned off' }
    @{ Name = 'Key Vault CSI add-on off (pods lose their secrets)'; Command = 'Enable-AksKeyVaultCsi'
        Seed = @{ 'properties.addonProfiles.azureKeyvaultSecretsProvider' = @{ enabled = $true; config = @{ enableSecretRotation = 'true' } } }
        Arguments = @{ Disable = $true }; Prompt = 'cannot start or restart while the add-on is off' }
    # In the cluster (through ARM's credential action, as -Id gives it).
    @{ Name = 'Kured under the NodeImage node OS channel'; Command = 'Install-AksKured'; Category = 'InvalidOperation'
        Seed = @{ 'properties.autoUpgradeProfile' = @{ nodeOSUpgradeChannel = 'NodeImage' } }; Arguments = @{}; Refused = 'NodeImage'; Force = @{ Force = $true } }
    @{ Name = 'Kured under the SecurityPatch node OS channel'; Command = 'Install-AksKured'; Category = 'InvalidOperation'
        Seed = @{ 'properties.autoUpgradeProfile' = @{ nodeOSUpgradeChannel = 'SecurityPatch' } }; Arguments = @{}; Refused = 'SecurityPatch'; Force = @{ Force = $true } }
    @{ Name = 'an in-cluster install with -Admin on a cluster with local accounts disabled'; Command = 'Install-AksFalco'; Category = 'InvalidOperation'
        Seed = @{ 'properties.disableLocalAccounts' = $true }; Arguments = @{ Admin = $true }; Refused = 'local accounts disabled' }
    @{ Name = 'Kured removed (nodes stop rebooting for patches)'; Command = 'Uninstall-AksKured'; Arguments = @{}
        Setup = { param($id) Install-AksKured -Id $id -Confirm:$false -Force -WarningAction SilentlyContinue | Out-Null }; Prompt = 'Uninstall Kured' }
    @{ Name = 'Falco removed (runtime alerts stop)'; Command = 'Uninstall-AksFalco'; Arguments = @{}
        Setup = { param($id) Install-AksFalco -Id $id -Confirm:$false | Out-Null }; Prompt = 'Uninstall Falco' }
)

function Get-ChangeCmdletName {
    # The module's cmdlets that change a cluster or what runs in it, by verb (Connect/Disconnect change the session).
    # The in-cluster tools (Install-/Uninstall-/Invoke-/New-) are listed too: each needs a row when it lands.
    Get-Command -Module AksSecurity -CommandType Cmdlet | Where-Object { $_.Verb -in 'Set', 'Enable', 'Disable', 'Install', 'Uninstall', 'Invoke', 'New' } |
        ForEach-Object Name | Sort-Object
}

function Invoke-FakeArmJson([string] $Method, [string] $Path, $Body) {
    # The control API as ordered hashtables (FakeArm.psm1 gives objects), so documents can be edited and compared.
    $request = @{ Method = $Method; Uri = "$($Arm.ArmEndpoint)_fake/$Path"; ContentType = 'application/json'; SkipHttpErrorCheck = $true }
    if ($null -ne $Body) { $request.Body = ConvertTo-Json -InputObject $Body -Depth 100 -Compress }
    $response = Invoke-WebRequest @request
    if ($response.StatusCode -eq 404) { return $null }
    if ($response.StatusCode -ge 300) { throw "Fake ARM control $Method $Path answered $($response.StatusCode): $($response.Content)" }
    if ($response.Content) { ConvertFrom-Json -InputObject $response.Content -AsHashtable -DateKind String -Depth 100 }
}

function Set-JsonPath([System.Collections.IDictionary] $Document, [string] $Path, $Value) {
    $parts = $Path.Split('.')
    $node = $Document
    foreach ($part in $parts[0..($parts.Count - 2)]) {
        if (-not $node.Contains($part) -or $node[$part] -isnot [System.Collections.IDictionary]) { $node[$part] = [ordered]@{} }
        $node = $node[$part]
    }
    $node[$parts[-1]] = $Value
}

function New-CaseCluster {
    <# A copy of the seed cluster clustername1 under a new name and an own location (so the operation URLs of its changes
       are its own, and faults on them hit this case only), with the row's seed edits. Returns its id. #>
    param([string] $Name, [hashtable] $Seed = @{})
    $document = Invoke-FakeArmJson Get "cluster?id=$([uri]::EscapeDataString((Get-ClusterId rg1 clustername1)))"
    $id = Get-ClusterId rg1 $Name
    $document.id = $id
    $document.name = $Name
    $document.location = "loc$($Name -replace '[^a-z0-9]', '')"
    foreach ($edit in $Seed.GetEnumerator()) { Set-JsonPath $document $edit.Key $edit.Value }
    Invoke-FakeArmJson Put 'cluster' $document | Out-Null
    $id
}

function ConvertTo-CanonicalJson($Node) {
    # Sorted keys, so two documents compare by content, not by member order.
    if ($Node -is [System.Collections.IDictionary]) {
        $members = foreach ($key in ($Node.Keys | Sort-Object)) { '{0}:{1}' -f (ConvertTo-Json -InputObject ([string]$key) -Compress), (ConvertTo-CanonicalJson $Node[$key]) }
        return '{' + ($members -join ',') + '}'
    }
    if ($Node -is [System.Collections.IList]) { return '[' + (@($Node | ForEach-Object { ConvertTo-CanonicalJson $_ }) -join ',') + ']' }
    ConvertTo-Json -InputObject $Node -Compress
}

# Server-owned members that change on every write whatever was asked (eTags, states, generated ids).
$script:ServerOwned = 'eTag', 'provisioningState', 'systemData', 'instanceId', 'principalId'

function Remove-ServerOwned($Node) {
    if ($Node -is [System.Collections.IDictionary]) {
        foreach ($key in @($Node.Keys)) {
            if ($key -in $ServerOwned) { $Node.Remove($key) } else { Remove-ServerOwned $Node[$key] }
        }
    }
    elseif ($Node -is [System.Collections.IList]) { foreach ($item in $Node) { Remove-ServerOwned $item } }
}

function Get-ClusterState {
    <# The cluster document and the row's resources beside it, server-owned members removed and the case's cluster name
       and location replaced by placeholders, so states of different case clusters compare. #>
    param([string] $Id, [string[]] $Resources = @(), [hashtable] $Edits = @{})
    $name = $Id.Split('/')[-1]
    $state = [ordered]@{ cluster = Invoke-FakeArmJson Get "cluster?id=$([uri]::EscapeDataString($Id))" }
    foreach ($relative in $Resources) { $state[$relative] = Invoke-FakeArmJson Get "resource?id=$([uri]::EscapeDataString("$Id/$relative"))" }
    Remove-ServerOwned $state
    # A failed or canceled operation leaves its error here (the fake, like AKS); the outcome is asserted on the error record.
    if ($state.cluster -and $state.cluster.properties) { $state.cluster.properties.Remove('status') }
    foreach ($edit in $Edits.GetEnumerator()) { Set-JsonPath $state.cluster $edit.Key $edit.Value }
    $location = "loc$($name -replace '[^a-z0-9]', '')"
    (ConvertTo-CanonicalJson $state) -replace "(?i)$([regex]::Escape($name))", '{cluster}' -replace "(?i)$([regex]::Escape($location))", '{location}'
}

function Test-ClearError([System.Management.Automation.ErrorRecord] $Record) {
    # A clear ErrorRecord: a category other than NotSpecified, an error id of the module (not "Unexpected,…"), and a
    # message without a .NET stack trace or an exception type name.
    $text = "$($Record.Exception.Message) $($Record.ErrorDetails)"
    $Record.CategoryInfo.Category -ne 'NotSpecified' -and
    $Record.FullyQualifiedErrorId -notmatch '^Unexpected' -and
    $text -notmatch '(?m)^\s+at \S+\(|System\.\w+Exception|--- End of' -and
    $Record.Exception.Message.Length -gt 10
}

function Write-ReliabilityFigures([string] $Area, [hashtable] $Figures) {
    # Each part leaves its figures for Invoke-ReliabilitySuite.ps1 (or a plain Invoke-Pester run, which ignores them).
    $directory = if ($env:AKSSECURITY_RELIABILITY_FIGURES) { $env:AKSSECURITY_RELIABILITY_FIGURES } else { Join-Path ([IO.Path]::GetTempPath()) 'aks-reliability' }
    New-Item -ItemType Directory -Force -Path $directory | Out-Null
    $Figures | ConvertTo-Json | Set-Content (Join-Path $directory "$Area.json")
}
