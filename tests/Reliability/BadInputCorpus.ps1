# The bad-input corpus: one row per parameter that takes user text or files, each with its bad values. A value is
# passed as -<Parameter> to <Command> with the row's other arguments (With) against a good cluster ($GoodId), and must
# be answered with one clear ErrorRecord of one of the row's categories, nothing sent to ARM. Rows with Pipeline = $true
# pass the bad value and then a good one through the pipeline (or as a list): the good one must still be processed.
# Files (New-BadFile) are written in the runner's work directory; a row's value names one. A row with Pending (the
# reason) is a known defect left to its owner: not run, its cases skipped with the reason, not in the figures.
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
    @{ Input = 'resource id'; Command = 'Get-AksKubeConfig'; Parameter = 'Id'; Pipeline = $true; Category = 'InvalidArgument'; Values = @('not-an-id', '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg1') }
    # Pending (issue 5's Get-AksKubeConfig, reported to the lead): the kubeconfig is fetched from ARM (GET cluster, POST
    # listClusterUserCredential) before -Path is checked, so a path with a NUL character ends in an unexpected
    # ArgumentException and a file that exists (no -Force) is refused only after the credential was fetched.
    @{ Input = 'kubeconfig path'; Command = 'Get-AksKubeConfig'; Parameter = 'Path'; Category = 'InvalidArgument', 'WriteError', 'ResourceExists'; Values = @("bad`0name", 'good.json')
        Pending = 'Get-AksKubeConfig fetches the credential before it checks -Path (NUL character: unexpected ArgumentException; existing file: refused after GET + POST listClusterUserCredential)' }
    @{ Input = 'wrong type'; Command = 'Export-AksSecurityReport'; Parameter = 'Format'; NoId = $true; With = @{ Path = 'reports'; InputObject = 'GoodResult' }; Category = 'InvalidArgument'; Values = @('Pdf') }
)

# Accepted, not refused: a UTF-8 byte order mark is valid, so such a file must be audited like any other.
$script:GoodFileRows = @(
    @{ Input = 'cluster file'; Command = 'Test-AksSecurity'; File = 'utf8-bom.json' }
    @{ Input = 'cluster file'; Command = 'Test-AksSecurity'; File = 'utf16-bom.json' }
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
