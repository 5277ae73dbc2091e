<#
    The packages 'build.ps1 Package' writes (build.ps1 Test makes them first; AKSSECURITY_PACKAGE_DIR, else out/packages):
    - the Azure Automation zip, expanded the way Automation lays a module out (Modules/AksSecurity/<files>), imported by
      name in a fresh pwsh and used against the fake ARM;
    - the PowerShell Gallery .nupkg: its nuspec and layout, then installed with PSResourceGet from a local repository
      into a temp path (repository settings kept in a temp folder), imported and used.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Arm = Start-FakeArm
    $script:PackageDir = if ($env:AKSSECURITY_PACKAGE_DIR) { $env:AKSSECURITY_PACKAGE_DIR } else { Join-Path $RepoRoot 'out/packages' }
    $script:Manifest = Import-PowerShellDataFile $ModulePath
    $script:Version = $Manifest.ModuleVersion
    $script:Zip = Join-Path $PackageDir "AksSecurity-$Version.zip"
    $script:Nupkg = Join-Path $PackageDir "AksSecurity.$Version.nupkg"

    # A fresh pwsh that finds modules only under $ModuleRoot (plus PowerShell's own), connects to the fake and runs $Script.
    function Invoke-FreshPwsh([string] $ModuleRoot, [string] $Script) {
        $probe = @"
`$ErrorActionPreference = 'Stop'
`$env:PSModulePath = '$ModuleRoot' + [IO.Path]::PathSeparator + "`$PSHOME/Modules"
Import-Module AksSecurity
Connect-AksSecurity -AccessToken (ConvertTo-SecureString 'package-test' -AsPlainText -Force) -ArmEndpoint '$($Arm.ArmEndpoint)' | Out-Null
$Script
"@
        (& dotnet pwsh -NoProfile -NonInteractive -Command $probe 2>&1 | Out-String).Trim()
    }
}

AfterAll {
    Stop-FakeArm $Arm
}

Describe 'Azure Automation zip' {
    BeforeAll {
        # Automation keeps an imported module as Modules/<name>/<files>: the zip's root folder is the module folder.
        $automation = Join-Path $TestDrive 'automation'
        Expand-Archive -LiteralPath $Zip -DestinationPath (Join-Path $automation 'Modules')
    }

    It 'has the module folder at its root, named like the module, with the manifest, help and dependencies' {
        Join-Path $automation 'Modules/AksSecurity/AksSecurity.psd1' | Should -Exist
        Join-Path $automation 'Modules/AksSecurity/AksSecurity.dll' | Should -Exist
        Join-Path $automation 'Modules/AksSecurity/en-US/AksSecurity.dll-Help.xml' | Should -Exist
        Join-Path $automation 'Modules/AksSecurity/Dependencies/AksSecurity.Engine.dll' | Should -Exist
        @(Get-ChildItem (Join-Path $automation 'Modules')).Name | Should -Be @('AksSecurity')
    }

    It 'keeps every path under the 140 characters Automation accepts' {
        $root = (Join-Path $automation 'Modules').Length
        $longest = Get-ChildItem (Join-Path $automation 'Modules') -Recurse -File | ForEach-Object { $_.FullName.Length - $root } | Measure-Object -Maximum
        $longest.Maximum | Should -BeLessThan 140
    }

    It 'imports by name in a fresh pwsh and runs a cmdlet' {
        $output = Invoke-FreshPwsh -ModuleRoot (Join-Path $automation 'Modules') -Script @'
"version=$((Get-Module AksSecurity).Version)"
"clusters=$(@(Get-AksCluster).Count)"
"help=$((Get-Help Test-AksSecurity).Synopsis.Length -gt 0)"
'@
        $output | Should -Match "version=$([regex]::Escape($Version))"
        $output | Should -Match 'clusters=3'
        $output | Should -Match 'help=True'
    }
}

Describe 'PowerShell Gallery package' {
    BeforeAll {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $archive = [IO.Compression.ZipFile]::OpenRead($Nupkg)
        try {
            $script:Entries = @($archive.Entries.FullName)
            $reader = [IO.StreamReader]::new($archive.GetEntry('AksSecurity.nuspec').Open())
            $script:Nuspec = [xml]$reader.ReadToEnd()
            $reader.Dispose()
        }
        finally { $archive.Dispose() }
        $script:Metadata = $Nuspec.package.metadata
        $script:Tags = @($Metadata.tags -split ' ')
    }

    It 'has the metadata of the manifest: id, version, authors, description, project and licence URLs' {
        $Metadata.id | Should -Be 'AksSecurity'
        $Metadata.version | Should -Be $Version
        $Metadata.authors | Should -Be $Manifest.Author
        $Metadata.description | Should -Be $Manifest.Description
        $Metadata.projectUrl | Should -Be $Manifest.PrivateData.PSData.ProjectUri
        $Metadata.licenseUrl | Should -Be $Manifest.PrivateData.PSData.LicenseUri
    }

    It 'has the release notes of this version from CHANGELOG.md' {
        $Metadata.releaseNotes | Should -Match '### Added'
        $Metadata.releaseNotes | Should -Match 'Export-AksSecurityReport'
        $Manifest.PrivateData.PSData.ReleaseNotes | Should -Be $Metadata.releaseNotes
    }

    It 'has the Gallery tags: PSModule, the manifest tags, PSIncludes_Cmdlet and one PSCmdlet_ tag per cmdlet' {
        $Tags | Should -Contain 'PSModule'
        $Tags | Should -Contain 'PSIncludes_Cmdlet'
        foreach ($tag in $Manifest.PrivateData.PSData.Tags) { $Tags | Should -Contain $tag }
        foreach ($cmdlet in $Manifest.CmdletsToExport) { $Tags | Should -Contain "PSCmdlet_$cmdlet" }
    }

    It 'holds the module files at the package root, and the OPC parts' {
        $Entries | Should -Contain 'AksSecurity.psd1'
        $Entries | Should -Contain 'AksSecurity.dll'
        $Entries | Should -Contain 'en-US/AksSecurity.dll-Help.xml'
        $Entries | Should -Contain 'Dependencies/AksSecurity.Engine.dll'
        $Entries | Should -Contain '[Content_Types].xml'
        $Entries | Should -Contain '_rels/.rels'
    }

    It 'installs from a local repository with PSResourceGet, imports and runs' {
        $repository = Join-Path $TestDrive 'repository'
        $installed = Join-Path $TestDrive 'installed'
        New-Item -ItemType Directory -Path $repository, $installed | Out-Null
        Copy-Item $Nupkg $repository
        # PSResourceGet keeps its repository list under the user's data folder: a temp one on Linux/macOS (XDG_DATA_HOME);
        # on Windows the repository is registered for the install only and unregistered after it.
        # The folder must exist: .NET gives an empty path for a missing one, and PSResourceGet would write into the working folder.
        $settings = @{ XDG_DATA_HOME = (New-Item -ItemType Directory -Path (Join-Path $TestDrive 'psresourceget')).FullName }
        # Install first (its own pwsh), then import from the install folder.
        $install = @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name AksSecurityLocal -Uri '$repository' -Trusted
Save-PSResource -Name AksSecurity -Repository AksSecurityLocal -Path '$installed' -TrustRepository -Quiet
Unregister-PSResourceRepository -Name AksSecurityLocal
"@
        $saved = @{}
        foreach ($name in $settings.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $settings[$name]) }
        try { $installOutput = & dotnet pwsh -NoProfile -NonInteractive -Command $install 2>&1 | Out-String }
        finally { foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) } }
        Join-Path $installed "AksSecurity/$Version/AksSecurity.psd1" | Should -Exist -Because $installOutput

        $output = Invoke-FreshPwsh -ModuleRoot $installed -Script @'
"version=$((Get-Module AksSecurity).Version)"
"clusters=$(@(Get-AksCluster -ResourceGroupName rg1).Count)"
'@
        $output | Should -Match "version=$([regex]::Escape($Version))"
        $output | Should -Match 'clusters=2'
    }
}
