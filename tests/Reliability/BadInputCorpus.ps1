# The bad-input corpus: one row per parameter that takes user text or files, each with its bad values. A value is
# passed as -<Parameter> to <Command> with the row's other arguments (With) against a good cluster ($GoodId), and must
# be answered with one clear ErrorRecord of one of the row's categories, nothing sent to ARM (nor to the fake cluster).
# Rows with Pipeline = $true pass the bad value and then a good one through the pipeline (or as a list): the good one
# must still be processed. Files (New-BadFile) are written in the runner's work directory; a row's value names one. A
# row with Pending (the reason) is a known defect left to its owner: not run, its cases skipped with the reason, not in
# the figures.
$script:SecretProviderAzure = @{ KubeConfig = 'good.kubeconfig'; ClassName = 'bad-input'; Provider = 'Azure'; KeyVaultName = 'kv-payments'
    TenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47'; ClientId = '11111111-2222-3333-4444-555555555555'; Object = @(@{ Name = 'db-password' }) }
$script:BadInputRows = @(
    @{ Input = 'CIDR'; Command = 'Set-AksApiAccess'; Parameter = 'AuthorizedIpRange'; With = @{ CallerIpAddress = '203.0.113.7' }; Category = 'InvalidArgument'
        Values = @('10.0.0.0/33', '300.1.1.1/32', 'abc', '10.0.0.0/8/8', '10.0.0.0/-1', ' ', '10.0.0.1/24', ('1' * 5000)) }
    @{ Input = 'CIDR'; Command = 'Set-AksApiAccess'; Parameter = 'Add'; With = @{ CallerIpAddress = '203.0.113.7' }; Category = 'InvalidArgument'; Values = @('10.0.0.0/33', 'x/8') }
    @{ Input = 'CIDR'; Command = 'Set-AksApiAccess'; Parameter = 'Remove'; Category = 'InvalidArgument'; Values = @('10.0.0/8') }
    @{ Input = 'IP address'; Command = 'Set-AksApiAccess'; Parameter = 'CallerIpAddress'; With = @{ AuthorizedIpRange = @('203.0.113.0/24') }; Category = 'InvalidArgument'
        Values = @('not-an-ip', '203.0.113.300', '203.0.113.0/24') }
    @{ Input = 'resource id'; Command = 'Enable-AksImageCleaner'; Parameter = 'Id'; Pipeline = $true; Category = 'InvalidArgument'
        Values = @('not-an-id', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.Storage/storageAccounts/store1',
            '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/',
            '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/bad_name!',
            '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/c1?api-version=1',
            '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/../providers/Microsoft.ContainerService/managedClusters/clustername1',
            "/subscriptions/not-a-guid/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/clustername1",
            ('/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/' + ('a' * 100000))) }
    @{ Input = 'resource id'; Command = 'Test-AksSecurity'; Parameter = 'Id'; Pipeline = $true; Category = 'InvalidArgument'
        Values = @('not-an-id', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1/providers/Microsoft.ContainerService/managedClusters/bad name') }
    @{ Input = 'name'; Command = 'Enable-AksImageCleaner'; Parameter = 'Name'; With = @{ ResourceGroupName = 'rg1' }; Category = 'InvalidArgument'
        Values = @('bad name!', ('a' * 300), '../../x', 'a/b', '-leading') }
    @{ Input = 'name'; Command = 'Enable-AksImageCleaner'; Parameter = 'ResourceGroupName'; With = @{ Name = 'clustername1' }; Category = 'InvalidArgument'
        Values = @('bad/rg', ('r' * 200), 'rg?x=1', 'rg.') }
    # (Get-AksCluster takes wildcards: 'rg?x' is a pattern, not bad input.)
    @{ Input = 'name'; Command = 'Get-AksCluster'; Parameter = 'ResourceGroupName'; Category = 'InvalidArgument'; NoId = $true; Values = @('bad/rg', '..', 'rg.') }
    @{ Input = 'subscription id'; Command = 'Enable-AksImageCleaner'; Parameter = 'SubscriptionId'; With = @{ ResourceGroupName = 'rg1'; Name = 'clustername1' }; Category = 'InvalidArgument'
        Values = @('not-a-guid/../x', 'sub?x=1') }
    @{ Input = 'object id'; Command = 'Enable-AksAadRbac'; Parameter = 'AdminGroupObjectId'; Category = 'InvalidArgument'; Values = @('not-a-guid', '00000000-0000-0000-0000-00000000000g') }
    @{ Input = 'tenant id'; Command = 'Enable-AksAadRbac'; Parameter = 'TenantId'; With = @{ AdminGroupObjectId = @($AdminGroup) }; Category = 'InvalidArgument'; Values = @('contoso', '1234') }
    @{ Input = 'policy effect'; Command = 'Set-AksPolicyInitiative'; Parameter = 'Effect'; With = @{ Initiative = 'Baseline' }; Category = 'InvalidArgument'; Values = @('Explode', 'deny; drop') }
    @{ Input = 'namespace'; Command = 'Set-AksPolicyInitiative'; Parameter = 'ExcludedNamespace'; With = @{ Initiative = 'Baseline' }; Category = 'InvalidArgument'
        Values = @('Bad_NS!', ('n' * 100), 'UPPER') }
    @{ Input = 'namespace'; Command = 'Set-AksPolicyInitiative'; Parameter = 'Namespace'; With = @{ Initiative = 'Baseline' }; Category = 'InvalidArgument'; Values = @('a b') }
    @{ Input = 'capability'; Command = 'Set-AksPolicyInitiative'; Parameter = 'AllowedCapability'; With = @{ Initiative = 'Restricted' }; Category = 'InvalidArgument'; Values = @('rm -rf /', 'NOT_A_CAP') }
    @{ Input = 'duration'; Command = 'Enable-AksKeyVaultCsi'; Parameter = 'RotationPollInterval'; Category = 'InvalidArgument'
        Values = @('5x', '1s', '1000h', '-2m', '2m30', ('9' * 400), 'P2M') }
    @{ Input = 'workspace id'; Command = 'Enable-AksMonitoring'; Parameter = 'WorkspaceResourceId'; Category = 'InvalidArgument'
        Values = @('abc', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/x',
            '/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/w', 'https://example.com/') }
    @{ Input = 'workspace id'; Command = 'Enable-AksDefender'; Parameter = 'WorkspaceResourceId'; Category = 'InvalidArgument'
        Values = @('abc', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/') }
    @{ Input = 'name'; Command = 'Enable-AksMonitoring'; Parameter = 'DiagnosticSettingName'; With = @{ WorkspaceResourceId = $Workspace }; Category = 'InvalidArgument'; Values = @('bad/name', ('d' * 300)) }
    @{ Input = 'log category'; Command = 'Enable-AksMonitoring'; Parameter = 'AdditionalLogCategory'; With = @{ WorkspaceResourceId = $Workspace }; Category = 'InvalidArgument'; Values = @('nope') }
    @{ Input = 'time of day'; Command = 'Set-AksUpgradePolicy'; Parameter = 'MaintenanceStartTime'; With = @{ MaintenanceDay = 'Sunday' }; Category = 'InvalidArgument'; Values = @('25:00', 'noon', '2:0') }
    @{ Input = 'UTC offset'; Command = 'Set-AksUpgradePolicy'; Parameter = 'MaintenanceUtcOffset'; With = @{ MaintenanceDay = 'Sunday'; MaintenanceStartTime = '02:00' }; Category = 'InvalidArgument'; Values = @('+15:00', 'UTC') }
    @{ Input = 'number'; Command = 'Set-AksUpgradePolicy'; Parameter = 'MaintenanceDurationHours'; With = @{ MaintenanceDay = 'Sunday'; MaintenanceStartTime = '02:00' }; Category = 'InvalidArgument'; Values = @(0, 25) }
    @{ Input = 'number'; Command = 'Set-AksUpgradePolicy'; Parameter = 'MaintenanceIntervalWeeks'; With = @{ MaintenanceDay = 'Sunday'; MaintenanceStartTime = '02:00' }; Category = 'InvalidArgument'; Values = @(0, 5) }
    @{ Input = 'number'; Command = 'Enable-AksImageCleaner'; Parameter = 'IntervalHours'; Category = 'InvalidArgument'; Values = @(1, 100000, -5) }
    # Wrong type: PowerShell's binder answers before the cmdlet runs.
    @{ Input = 'wrong type'; Command = 'Enable-AksImageCleaner'; Parameter = 'IntervalHours'; Category = 'InvalidArgument'; Values = @('weekly') }
    @{ Input = 'wrong type'; Command = 'Set-AksUpgradePolicy'; Parameter = 'MaintenanceDay'; With = @{ MaintenanceStartTime = '02:00' }; Category = 'InvalidArgument'; Values = @('Caturday') }
    @{ Input = 'URL'; Command = 'Connect-AksSecurity'; Parameter = 'ArmEndpoint'; NoId = $true; With = @{ AccessToken = 'token' }; Category = 'InvalidArgument'; Values = @('not a url', 'ftp://example.com/') }
    # Files: offline audit documents, ARM templates, suppression and evidence files, report paths.
    @{ Input = 'cluster file'; Command = 'Test-AksSecurity'; Parameter = 'Path'; NoId = $true; Pipeline = $true; Category = 'InvalidData', 'ObjectNotFound'
        Values = @('truncated.json', 'array-of-numbers.json', 'string.json', 'number.json', 'empty.json', 'whitespace.json', 'huge-50mb.json', 'nested-10000.json',
            'latin1.json', 'nul-bytes.json', 'not-a-cluster.json', 'missing.json') }
    @{ Input = 'cluster file'; Command = 'Test-AksApiAccess'; Parameter = 'Path'; NoId = $true; Pipeline = $true; Category = 'InvalidData'; Values = @('truncated.json', 'nested-10000.json') }
    @{ Input = 'suppression file'; Command = 'Test-AksSecurity'; Parameter = 'SuppressionPath'; NoId = $true; With = @{ Path = 'good.json' }; Category = 'InvalidData', 'ObjectNotFound'
        Values = @('truncated.json', 'array-of-numbers.json', 'empty.json', 'code.psd1', 'missing.json', 'nested-10000.json') }
    @{ Input = 'evidence file'; Command = 'Test-AksSecurity'; Parameter = 'EvidencePath'; NoId = $true; With = @{ Path = 'good.json' }; Category = 'InvalidData', 'ObjectNotFound'
        Values = @('truncated.json', 'nested-10000.json') }
    @{ Input = 'report input'; Command = 'Export-AksSecurityReport'; Parameter = 'InputObject'; NoId = $true; Pipeline = $true; With = @{ Path = 'reports'; Format = 'Json' }; Category = 'InvalidType'
        Values = @('not a result', 42) }
    @{ Input = 'report path'; Command = 'Export-AksSecurityReport'; Parameter = 'Path'; NoId = $true; With = @{ Format = 'Json'; InputObject = 'GoodResult' }; Category = 'InvalidArgument', 'ObjectNotFound', 'WriteError', 'ResourceExists', 'InvalidOperation'
        Values = @('nul-bytes.json/sub', "bad`0name") }
    @{ Input = 'resource id'; Command = 'Test-AksSecretStore'; Parameter = 'Id'; Pipeline = $true; Category = 'InvalidArgument'; Values = @('not-an-id', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1') }
    @{ Input = 'resource id'; Command = 'Get-AksKuredStatus'; Parameter = 'Id'; Pipeline = $true; Category = 'InvalidArgument'; Values = @('not-an-id') }
    @{ Input = 'resource id'; Command = 'Get-AksKubeConfig'; Parameter = 'Id'; Pipeline = $true; Category = 'InvalidArgument'; Values = @('not-an-id', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1') }
    # A path with a NUL character, and an existing file without -Force: refused before the credential is fetched.
    @{ Input = 'kubeconfig path'; Command = 'Get-AksKubeConfig'; Parameter = 'Path'; Category = 'InvalidArgument', 'WriteError', 'ResourceExists'; Values = @("bad`0name", 'good.json', '.', 'no-such-folder/kubeconfig') }
    # The in-cluster cmdlets, through the fake cluster's kubeconfig (KubeConfig = 'good.kubeconfig'); nothing may reach the
    # fake Kubernetes API server either. ReadsAllowed: the bad value can only be known bad from what the cluster holds
    # (an unknown node name), so reads are allowed and only writes count.
    @{ Input = 'kubeconfig file'; Command = 'Test-AksSecretStore'; Parameter = 'KubeConfig'; NoId = $true; Category = 'ObjectNotFound', 'InvalidData', 'InvalidArgument'
        Values = @('missing.kubeconfig', 'truncated.kubeconfig', 'not-yaml.kubeconfig', 'empty.json', 'nul-bytes.json', 'latin1.json', 'nested-10000.json', '.') }
    @{ Input = 'kubeconfig file'; Command = 'Install-AksFalco'; Parameter = 'KubeConfig'; NoId = $true; Category = 'ObjectNotFound', 'InvalidData', 'InvalidArgument'
        Values = @('missing.kubeconfig', 'truncated.kubeconfig', 'not-yaml.kubeconfig') }
    @{ Input = 'kubeconfig context'; Command = 'Get-AksFalcoAlert'; Parameter = 'Context'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'ObjectNotFound', 'InvalidArgument'
        Values = @('no-such-context', ' ') }
    @{ Input = 'kubeconfig context'; Command = 'Invoke-AksKubeBench'; Parameter = 'Context'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'ObjectNotFound', 'InvalidArgument'
        Values = @('no-such-context') }
    @{ Input = 'node name'; Command = 'Invoke-AksKubeBench'; Parameter = 'NodeName'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'ObjectNotFound', 'InvalidArgument'
        ReadsAllowed = $true; Values = @('no-such-node', 'Bad_Node!', ('n' * 300)) }
    @{ Input = 'label selector'; Command = 'Invoke-AksKubeBench'; Parameter = 'NodeSelector'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'ObjectNotFound', 'InvalidArgument'
        ReadsAllowed = $true; Values = @('a=b=c', 'agentpool=nosuchpool') }
    @{ Input = 'rules file'; Command = 'Install-AksFalco'; Parameter = 'RulesPath'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }
        Category = 'ObjectNotFound', 'InvalidData', 'InvalidArgument', 'ReadError'
        Values = @('missing.yaml', 'rules-truncated.yaml', 'rules-map.yaml', 'latin1.json', 'nul-bytes.json', 'rules-huge.yaml', 'nested-10000.json', 'huge-50mb.json', 'empty.json', '.') }
    @{ Input = 'Vault address'; Command = 'New-AksSecretProviderClass'; Parameter = 'VaultAddress'; NoId = $true
        With = @{ KubeConfig = 'good.kubeconfig'; ClassName = 'bad-input'; Provider = 'Vault'; RoleName = 'db-app'; Object = @(@{ ObjectName = 'password'; SecretPath = 'secret/data/db'; SecretKey = 'password' }) }
        Category = 'InvalidArgument'; Values = @('not a url', 'ftp://vault.example.com:8200', 'vault.example.com', 'https://', 'https://vault example.com', 'http://vault.example.com:8200', "https://vault.example.com/`0", "https://vault.example.com/v1`a") }
    @{ Input = 'Key Vault name'; Command = 'New-AksSecretProviderClass'; Parameter = 'KeyVaultName'; NoId = $true; With = $SecretProviderAzure; Category = 'InvalidArgument'
        Values = @('kv_bad!', 'ab', ('k' * 30), '-kv', 'kv--double') }
    @{ Input = 'tenant id'; Command = 'New-AksSecretProviderClass'; Parameter = 'TenantId'; NoId = $true; With = $SecretProviderAzure; Category = 'InvalidArgument'
        Values = @('contoso', '00000000-0000-0000-0000-00000000000g') }
    @{ Input = 'client id'; Command = 'New-AksSecretProviderClass'; Parameter = 'ClientId'; NoId = $true; With = $SecretProviderAzure; Category = 'InvalidArgument'; Values = @('not-a-guid', '1234') }
    @{ Input = 'name'; Command = 'New-AksSecretProviderClass'; Parameter = 'ClassName'; NoId = $true; With = $SecretProviderAzure; Category = 'InvalidArgument'; Values = @('Bad_Class!', ('c' * 300)) }
    @{ Input = 'namespace'; Command = 'Install-AksFalco'; Parameter = 'Namespace'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @('Bad_NS!', ('n' * 100)) }
    # Kured's schedule and safety settings.
    @{ Input = 'time zone'; Command = 'Install-AksKured'; Parameter = 'TimeZone'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'
        Values = @('Mars/Olympus_Mons', 'UTC+25', '../../etc/passwd', ('Z' * 300)) }
    @{ Input = 'reboot days'; Command = 'Install-AksKured'; Parameter = 'RebootDays'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument', 'InvalidData'
        Values = @('funday', 'mo,tu;rm', '8', '') }
    @{ Input = 'time of day'; Command = 'Install-AksKured'; Parameter = 'StartTime'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @('25:00', 'noon', '2:0:0:0') }
    @{ Input = 'time of day'; Command = 'Install-AksKured'; Parameter = 'EndTime'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @('24:61', 'midnight') }
    @{ Input = 'duration'; Command = 'Install-AksKured'; Parameter = 'Period'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'
        Values = @('5x', '-1h', '0s', '1h30', ('9' * 400), 'P1D') }
    @{ Input = 'duration'; Command = 'Install-AksKured'; Parameter = 'DrainTimeout'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @('forever', '-5m') }
    @{ Input = 'duration'; Command = 'Install-AksKured'; Parameter = 'LockTtl'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @('1 week', '-1s') }
    @{ Input = 'label selector'; Command = 'Install-AksKured'; Parameter = 'BlockingPodSelector'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'
        Values = @('app in (a,b', '=b', 'a b', 'app notin', '!', ('k' * 400 + '=v')) }
    @{ Input = 'annotation'; Command = 'Install-AksKured'; Parameter = 'LockAnnotation'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @('bad annotation', '/x', 'a/b/c') }
    @{ Input = 'number'; Command = 'Install-AksKured'; Parameter = 'Concurrency'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @(0, -1) }
    @{ Input = 'URL'; Command = 'Install-AksKured'; Parameter = 'PrometheusUrl'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @('not a url', 'ftp://prometheus') }
    @{ Input = 'regular expression'; Command = 'Install-AksKured'; Parameter = 'AlertFilterRegexp'; NoId = $true; With = @{ KubeConfig = 'good.kubeconfig' }; Category = 'InvalidArgument'; Values = @('(unclosed', '[z-a]') }
    @{ Input = 'kubeconfig file'; Command = 'Get-AksKuredStatus'; Parameter = 'KubeConfig'; NoId = $true; Category = 'ObjectNotFound', 'InvalidData', 'InvalidArgument'
        Values = @('missing.kubeconfig', 'truncated.kubeconfig', 'not-yaml.kubeconfig') }
    @{ Input = 'wrong type'; Command = 'Export-AksSecurityReport'; Parameter = 'Format'; NoId = $true; With = @{ Path = 'reports'; InputObject = 'GoodResult' }; Category = 'InvalidArgument'; Values = @('Pdf') }
)

# Accepted, not refused: a UTF-8 byte order mark is valid, so such a file must be used like any other (Results: the
# objects a run writes; -WhatIf runs write none).
$script:GoodFileRows = @(
    @{ Input = 'cluster file'; Command = 'Test-AksSecurity'; File = 'utf8-bom.json' }
    @{ Input = 'cluster file'; Command = 'Test-AksSecurity'; File = 'utf16-bom.json' }
    @{ Input = 'rules file'; Command = 'Install-AksFalco'; Parameter = 'RulesPath'; File = 'rules-utf8-bom.yaml'; With = @{ KubeConfig = 'good.kubeconfig'; WhatIf = $true }; Results = 0 }
    @{ Input = 'kubeconfig file'; Command = 'Test-AksSecretStore'; Parameter = 'KubeConfig'; File = 'good-bom.kubeconfig'; Results = 1 }
)

function New-BadFiles([string] $Directory, [string] $GoodDocument) {
    # The files the corpus names, written once.
    New-Item -ItemType Directory -Force -Path $Directory | Out-Null
    $write = { param($name, $text) [IO.File]::WriteAllText((Join-Path $Directory $name), $text, [Text.UTF8Encoding]::new($false)) }
    & $write 'good.json' $GoodDocument
    & $write 'truncated.json' $GoodDocument.Substring(0, [int]($GoodDocument.Length / 2))
    & $write 'array-of-numbers.json' '[1, 2, 3]'
    & $write 'string.json' '"a managed cluster"'
    & $write 'number.json' '42'
    & $write 'empty.json' ''
    & $write 'whitespace.json' "  `n`t  "
    & $write 'not-a-cluster.json' '{"type": "Microsoft.Web/sites", "properties": {}}'
    & $write 'nested-10000.json' (('[' * 10000) + (']' * 10000))
    & $write 'code.psd1' '@{ Suppressions = @(@{ CheckId = (Get-Process | Select-Object -First 1).Name; Reason = "x" }) }'
    # 50 MB: a document that is no cluster, with one huge string in it.
    $huge = [Text.StringBuilder]::new(52500000)
    $null = $huge.Append('{"type": "Microsoft.Web/sites", "properties": {"blob": "').Append('x', 52428800).Append('"}}')
    & $write 'huge-50mb.json' $huge.ToString()
    # Not UTF-8: Latin-1 bytes in a name; and NUL bytes.
    $latin1 = [Text.Encoding]::Latin1.GetBytes($GoodDocument.Replace('"dev-open"', '"d' + [char]0xE9 + 'v-open"'))
    [IO.File]::WriteAllBytes((Join-Path $Directory 'latin1.json'), $latin1)
    [IO.File]::WriteAllBytes((Join-Path $Directory 'nul-bytes.json'), [byte[]](0, 0, 0, 1, 2, 3, 0, 255, 254))
    [IO.File]::WriteAllText((Join-Path $Directory 'utf8-bom.json'), $GoodDocument, [Text.UTF8Encoding]::new($true))
    [IO.File]::WriteAllText((Join-Path $Directory 'utf16-bom.json'), $GoodDocument, [Text.UnicodeEncoding]::new($false, $true))
}

function New-BadKubernetesFiles([string] $Directory, [string] $KubeConfig) {
    # Kubeconfigs (the fake cluster's, cut, not YAML, with a byte order mark) and Falco rules files.
    $write = { param($name, $text, $bom = $false) [IO.File]::WriteAllText((Join-Path $Directory $name), $text, [Text.UTF8Encoding]::new($bom)) }
    & $write 'good.kubeconfig' $KubeConfig
    & $write 'good-bom.kubeconfig' $KubeConfig $true
    & $write 'truncated.kubeconfig' $KubeConfig.Substring(0, [int]($KubeConfig.Length / 2))
    & $write 'not-yaml.kubeconfig' "{{{ this is: [not yaml`n`t- at all"
    $rules = "- rule: Shell in container`n  desc: a shell was spawned`n  condition: evt.type = execve and proc.name = bash`n  output: shell (user=%user.name)`n  priority: WARNING`n"
    & $write 'rules-utf8-bom.yaml' $rules $true
    & $write 'rules-truncated.yaml' "- rule: Shell`n  desc: `"unterminated"
    & $write 'rules-map.yaml' "rule: Shell`ndesc: x"
    # 2 MB: more than a ConfigMap holds.
    & $write 'rules-huge.yaml' ($rules.Replace('a shell was spawned', 'x' * 2MB))
}
