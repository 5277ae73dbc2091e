<#
    examples/pipelines/aks-security.yml and the script its audit step runs, as Azure DevOps runs them: the step's
    arguments are read from the YAML (pipeline variables and parameters filled in with test folders), the script runs in
    a child pwsh with TF_BUILD=True against the fake ARM (signed in through the default chain: the managed identity
    endpoint stands in for the task's sign-in), and the files and logging commands it leaves are checked.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
    $script:Arm = Start-FakeArm
    $script:Yaml = Get-Content -Raw (Join-Path $RepoRoot 'examples/pipelines/aks-security.yml')
    # out/AksSecurity/<version>/AksSecurity.psd1 -> out/ holds the module folder, as $(Pipeline.Workspace) holds the artifact.
    $script:ModuleDirectory = Split-Path (Split-Path (Split-Path $ModulePath))

    # The AzurePowerShell@5 step: its script and arguments, as the YAML gives them.
    function Get-StepCommand([string] $Task, [string] $PathKey, [string] $ArgumentsKey, [hashtable] $Values) {
        $step = [regex]::Match($Yaml, "(?s)task: $([regex]::Escape($Task)).*?$PathKey`: (?<path>\S+).*?$ArgumentsKey`: (?<args>[^\r\n]+)")
        if (-not $step.Success) { throw "No $Task step with $PathKey and $ArgumentsKey in the YAML." }
        $arguments = $step.Groups['args'].Value
        foreach ($name in $Values.Keys) { $arguments = $arguments.Replace($name, $Values[$name]) }
        [pscustomobject]@{ Script = Join-Path $RepoRoot $step.Groups['path'].Value; Arguments = $arguments }
    }

    function Invoke-PipelineStep([string] $FailOn, [string] $OutputDirectory) {
        $step = Get-StepCommand -Task 'AzurePowerShell@5' -PathKey 'ScriptPath' -ArgumentsKey 'ScriptArguments' -Values @{
            '$(moduleDirectory)' = $ModuleDirectory; '$(reportDirectory)' = $OutputDirectory; '${{ parameters.failOn }}' = $FailOn
        }
        $variables = @{
            TF_BUILD                 = 'True'
            IDENTITY_ENDPOINT        = $Arm.IdentityEndpoint
            IDENTITY_HEADER          = $Arm.IdentityHeader
            AKSSECURITY_ARM_ENDPOINT = $Arm.ArmEndpoint
        }
        $saved = @{}
        foreach ($name in $variables.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $variables[$name]) }
        try {
            # AzurePowerShell@5 runs the script file with its arguments in pwsh; a terminating error fails the step.
            $output = & dotnet pwsh -NoProfile -NonInteractive -Command "& '$($step.Script)' $($step.Arguments)" 2>&1 | Out-String
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = $output; Lines = $output -split "`r?`n"; Script = $step.Script }
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

AfterAll {
    Stop-FakeArm $Arm
}

Describe 'Azure DevOps pipeline example' {
    Context 'a run with a cluster that cannot be read, above the threshold' {
        BeforeAll {
            Reset-FakeArm
            # The diagnostic settings of private1 cannot be read: its audit fails, the others go on.
            Add-FakeArmFault -Method GET -PathContains 'managedClusters/private1/providers/Microsoft.Insights' -Action Status -Status 403 -ErrorCode AuthorizationFailed -Message 'The client does not have authorization to read diagnostic settings; scope private1.' -Times 100
            $script:Reports = Join-Path $TestDrive 'failing'
            $script:Run = Invoke-PipelineStep -FailOn High -OutputDirectory $Reports
        }

        It 'fails the step with a non-zero exit code' {
            $Run.ExitCode | Should -Not -Be 0 -Because $Run.Output
            $Run.Output | Should -Match 'at or above High'
        }

        It 'writes NUnit results that PublishTestResults@2 reads' {
            $nunit = [xml](Get-Content -Raw (Join-Path $Reports 'aks-security.nunit.xml'))
            $nunit.DocumentElement.LocalName | Should -Be 'test-run'
            @($nunit.SelectNodes('//test-case')).Count | Should -BeGreaterThan 0
            @($nunit.SelectNodes('//test-case[@result="Failed"]')).Count | Should -BeGreaterThan 0
        }

        It 'writes the SARIF log for the CodeAnalysisLogs artifact' {
            $sarif = Get-Content -Raw (Join-Path $Reports 'aks-security.sarif') | ConvertFrom-Json
            $sarif.version | Should -Be '2.1.0'
            @($sarif.runs[0].results).Count | Should -BeGreaterThan 0
            $Yaml | Should -Match 'ArtifactName: CodeAnalysisLogs'
        }

        It 'attaches the Markdown summary with ##vso[task.uploadsummary]' {
            $summary = Join-Path $Reports 'aks-security.md'
            $summary | Should -Exist
            $Run.Lines | Should -Contain "##vso[task.uploadsummary]$summary"
        }

        It 'logs the failing cluster and the gate as ##vso[task.logissue] errors naming the script line' {
            $issues = @($Run.Lines | Where-Object { $_ -like '##vso`[task.logissue type=error;*' })
            $cluster = @($issues | Where-Object { $_ -match 'private1' })
            $cluster.Count | Should -BeGreaterThan 0 -Because $Run.Output
            $cluster[0] | Should -Match ("^##vso\[task\.logissue type=error;sourcepath=" + [regex]::Escape($Run.Script) + ";linenumber=\d+;code=[^;\]]+;\]")
            # The message is one line: no raw ';' or ']' in the properties, no line break in the message.
            @($issues | Where-Object { $_ -match 'AksSecurityAuditFailed' }).Count | Should -Be 1
            ($issues | Where-Object { $_ -match 'AksSecurityAuditFailed' }) | Should -Match '%0A'
        }

        It 'writes no token' {
            $Run.Output | Should -Not -Match 'fake-at\.'
            $Run.Output | Should -Not -Match ([regex]::Escape($Arm.IdentityHeader))
        }
    }

    Context 'a run under the threshold' {
        It 'succeeds and still writes the reports' {
            Reset-FakeArm
            $reports = Join-Path $TestDrive 'passing'
            $run = Invoke-PipelineStep -FailOn Critical -OutputDirectory $reports
            $run.ExitCode | Should -Be 0 -Because $run.Output
            $run.Output | Should -Match 'No finding at or above Critical'
            Join-Path $reports 'aks-security.nunit.xml' | Should -Exist
            @($run.Lines | Where-Object { $_ -like '##vso`[task.logissue type=error*' }).Count | Should -Be 0
        }
    }

    Context 'the AzureCLI@2 alternative' {
        It 'runs the same script with -WorkloadIdentity and maps SYSTEM_ACCESSTOKEN' {
            $step = Get-StepCommand -Task 'AzureCLI@2' -PathKey 'scriptPath' -ArgumentsKey 'arguments' -Values @{}
            $step.Script | Should -Be (Get-StepCommand -Task 'AzurePowerShell@5' -PathKey 'ScriptPath' -ArgumentsKey 'ScriptArguments' -Values @{}).Script
            $step.Arguments | Should -Match '-WorkloadIdentity'
            (Get-Command $step.Script).Parameters.Keys | Should -Contain 'WorkloadIdentity'
            $Yaml | Should -Match 'SYSTEM_ACCESSTOKEN: \$\(System\.AccessToken\)'
        }
    }
}
