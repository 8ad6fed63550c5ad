# The help of the built module: docs/en-US/*.md (platyPS markdown) against the cmdlets' real metadata, Get-Help's view of
# the MAML and about topics that build/HelpGen generated from those pages, and the plugin example of about_AcmePS_Plugins.
BeforeDiscovery {
    $repo = Join-Path $PSScriptRoot '../..'
    $manifest = if ($env:ACMEPS_MODULE_PATH) { $env:ACMEPS_MODULE_PATH } else { Join-Path $repo 'out/AcmePS/AcmePS.psd1' }
    # The exported cmdlets, from the built manifest: discovery needs no module import.
    $script:CmdletCases = @((Import-PowerShellDataFile $manifest).CmdletsToExport | Sort-Object | ForEach-Object { @{ Name = $_ } })
    $script:AboutCases = @(@{ Name = 'about_AcmePS' }, @{ Name = 'about_AcmePS_Plugins' }, @{ Name = 'about_AcmePS_Vault' })
    $script:AboutCases += @{ Name = 'about_AcmePS_AzureVault' }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Docs = Join-Path $script:RepoRoot 'docs/en-US'
    $script:Module = Get-Module AcmePS
    $script:CommonNames = [System.Management.Automation.Cmdlet]::CommonParameters

    function Split-Markdown([string[]]$Lines, [string]$Prefix) {
        # Splits lines at headings that start with $Prefix ('## ' or '### '), ignoring lines inside ``` fences.
        $parts = [System.Collections.Generic.List[object]]::new()
        $current = $null
        $inFence = $false
        foreach ($line in $Lines) {
            if ($line -match '^```') { $inFence = -not $inFence }
            if (-not $inFence -and $line.StartsWith($Prefix)) {
                $current = [pscustomobject]@{ Title = $line.Substring($Prefix.Length).Trim(); Lines = [System.Collections.Generic.List[string]]::new() }
                $parts.Add($current)
                continue
            }
            if ($current) { $current.Lines.Add($line) }
        }
        $parts.ToArray()
    }

    function Read-HelpPage([string]$Name) {
        $lines = (Get-Content -Raw (Join-Path $script:Docs "$Name.md")) -replace "`r`n", "`n" -split "`n"
        $sections = @{}
        foreach ($s in Split-Markdown $lines '## ') { $sections[$s.Title] = @($s.Lines) }
        $sections
    }

    function Get-CodeBlocks([string[]]$Lines) {
        # The ``` blocks of some lines, each with its info string and whether explanatory text came before it, and
        # the prose lines (everything outside the fences). A one-line HTML comment (such as the <!-- runnable --> marker
        # of an example) is neither: HelpGen drops comments, as markdown renderers do.
        $blocks = [System.Collections.Generic.List[object]]::new()
        $prose = [System.Collections.Generic.List[string]]::new()
        $code = $null
        foreach ($line in $Lines) {
            if ($null -eq $code -and $line -match '^```(.*)$') {
                $afterProse = [bool]($prose | Where-Object { $_.Trim() })
                $code = [pscustomobject]@{ Info = $Matches[1].Trim(); Text = [System.Collections.Generic.List[string]]::new(); AfterProse = $afterProse }
                continue
            }
            if ($null -ne $code -and $line -match '^```\s*$') { $blocks.Add($code); $code = $null; continue }
            if ($null -ne $code) { $code.Text.Add($line) }
            elseif ($line -notmatch '^\s*<!--.*-->\s*$') { $prose.Add($line) }
        }
        [pscustomobject]@{ Blocks = $blocks.ToArray(); Prose = $prose.ToArray() }
    }

    function ConvertTo-PlainText([string[]]$Lines) {
        # The markdown flattening HelpGen does (code spans and bold lose their markers, a web link keeps its URL),
        # with all white space collapsed, so that wrapped and unwrapped text compare equal.
        $text = $Lines -join ' '
        $text = [regex]::Replace($text, '\[([^\]]+)\]\((https?://[^)]+)\)', '$1 ($2)')
        $text = [regex]::Replace($text, '\[([^\]]+)\]\(([^)]*)\)', '$1')
        $text = $text -replace '`', '' -replace '\*\*', ''
        ($text -replace '\s+', ' ').Trim()
    }

    function Compress-Text([string]$Text) { ($Text -replace '\s+', ' ').Trim() }

    function Read-Yaml([string[]]$Lines) {
        $map = @{}
        foreach ($line in $Lines) {
            if ($line -match '^([A-Za-z][A-Za-z ]*):\s*(.*)$') { $map[$Matches[1]] = $Matches[2].Trim() }
        }
        $map
    }

    function Get-DocumentedParameters([string]$Name) {
        # name -> list of yaml maps, from the '### -Name' entries of PARAMETERS.
        $page = Read-HelpPage $Name
        $result = [ordered]@{}
        foreach ($entry in Split-Markdown $page['PARAMETERS'] '### ') {
            if ($entry.Title -eq 'CommonParameters') { continue }
            $yaml = @((Get-CodeBlocks $entry.Lines).Blocks | Where-Object Info -eq 'yaml' | ForEach-Object { Read-Yaml $_.Text })
            $result[$entry.Title.TrimStart('-')] = $yaml
        }
        $result
    }

    function Get-PluginExample {
        # The complete plugin of about_AcmePS_Plugins: the ```powershell block that defines a Publish command.
        $lines = (Get-Content -Raw (Join-Path $script:Docs 'about_AcmePS_Plugins.md')) -replace "`r`n", "`n" -split "`n"
        $block = (Get-CodeBlocks $lines).Blocks | Where-Object { $_.Info -eq 'powershell' -and ($_.Text -join "`n") -match 'function Publish-Acme\w+Challenge' } |
            Select-Object -First 1
        if (-not $block) { throw 'about_AcmePS_Plugins.md has no ```powershell block that defines a Publish-Acme<Name>Challenge function' }
        $block.Text -join "`n"
    }

    function Get-HelpGenDll {
        # The converter build.ps1 built (any configuration); the newest one.
        Get-ChildItem (Join-Path $script:RepoRoot 'build/HelpGen/bin') -Recurse -Filter HelpGen.dll -ErrorAction SilentlyContinue |
            Where-Object { $_.Directory.Name -eq 'net10.0' } | Sort-Object LastWriteTime -Descending | Select-Object -First 1
    }
}

Describe 'Command help pages' {
    It 'documents every exported cmdlet, and nothing else' {
        $exported = @((Get-Command -Module AcmePS -CommandType Cmdlet).Name | Sort-Object)
        $pages = @(Get-ChildItem $script:Docs -Filter *.md | Where-Object Name -NotLike 'about_*' | ForEach-Object BaseName | Sort-Object)
        $pages | Should -Be $exported
    }

    Context '<Name>' -ForEach $CmdletCases {
        BeforeAll {
            $script:Command = Get-Command $Name -Module AcmePS
            $script:Page = Read-HelpPage $Name
        }

        It 'has a page for <Name> with the platyPS front matter and sections' {
            $path = Join-Path $script:Docs "$Name.md"
            $path | Should -Exist
            $text = Get-Content -Raw $path
            $text | Should -Match '(?s)^---\s*\nexternal help file: AcmePS\.dll-Help\.xml\s*\nModule Name: AcmePS\s*\nonline version:.*\nschema: 2\.0\.0\s*\n---'
            $text | Should -Match "(?m)^# $([regex]::Escape($Name))\s*$"
            @($script:Page.Keys) | Sort-Object | Should -Be (@('SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS') | Sort-Object)
        }

        It 'documents exactly the parameters of <Name>' {
            $real = @($script:Command.Parameters.Keys | Where-Object { $_ -notin $script:CommonNames } | Sort-Object)
            $documented = @((Get-DocumentedParameters $Name).Keys | Sort-Object)
            $documented | Should -Be $real
        }

        It 'documents -WhatIf and -Confirm if and only if <Name> supports ShouldProcess' {
            $attribute = $script:Command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $true)[0]
            $documented = @((Get-DocumentedParameters $Name).Keys)
            ($documented -contains 'WhatIf') | Should -Be $attribute.SupportsShouldProcess
            ($documented -contains 'Confirm') | Should -Be $attribute.SupportsShouldProcess
        }

        It 'describes each parameter of <Name> as it is (type, sets, position, pipeline, aliases, values)' {
            $documented = Get-DocumentedParameters $Name
            foreach ($p in $script:Command.Parameters.Values | Where-Object { $_.Name -notin $script:CommonNames }) {
                $blocks = @($documented[$p.Name])
                $blocks.Count | Should -BeGreaterThan 0 -Because "-$($p.Name) needs a yaml block"
                $type = $p.ParameterType
                if ($type.IsGenericType -and $type.GetGenericTypeDefinition() -eq [Nullable`1]) { $type = $type.GetGenericArguments()[0] }
                $values = @(($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }).ValidValues)
                if (-not $values -and $type.IsEnum) { $values = [Enum]::GetNames($type) }
                $wildcards = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                foreach ($set in $p.ParameterSets.GetEnumerator()) {
                    $because = "-$($p.Name) in parameter set $($set.Key)"
                    $yaml = $blocks | Where-Object {
                        $sets = @($_['Parameter Sets'] -split ',\s*')
                        $sets -contains '(All)' -or $sets -contains $set.Key
                    } | Select-Object -First 1
                    $yaml | Should -Not -BeNullOrEmpty -Because "$because needs a yaml block naming that set or (All)"
                    if ($set.Key -eq '__AllParameterSets') { $yaml['Parameter Sets'] | Should -Be '(All)' -Because $because }
                    $yaml['Type'] | Should -Be $type.Name -Because $because
                    $yaml['Required'] | Should -Be ([string]$set.Value.IsMandatory) -Because $because
                    $yaml['Position'] | Should -Be $(if ($set.Value.Position -lt 0) { 'Named' } else { [string]$set.Value.Position }) -Because $because
                    $pipeline = if ($set.Value.ValueFromPipeline -and $set.Value.ValueFromPipelineByPropertyName) { 'True (ByValue, ByPropertyName)' }
                    elseif ($set.Value.ValueFromPipeline) { 'True (ByValue)' }
                    elseif ($set.Value.ValueFromPipelineByPropertyName) { 'True (ByPropertyName)' }
                    else { 'False' }
                    $yaml['Accept pipeline input'] | Should -Be $pipeline -Because $because
                    $yaml['Accept wildcard characters'] | Should -Be ([string]$wildcards) -Because $because
                    (@($yaml['Aliases'] -split ',\s*' | Where-Object { $_ }) | Sort-Object) -join ', ' | Should -Be ((@($p.Aliases) | Sort-Object) -join ', ') -Because $because
                    (@($yaml['Accepted values'] -split ',\s*' | Where-Object { $_ }) | Sort-Object) -join ', ' | Should -Be ((@($values) | Sort-Object) -join ', ') -Because $because
                }
            }
        }

        It 'has one SYNTAX block per parameter set of <Name>, as Get-Command -Syntax shows it' {
            $sets = @($script:Command.ParameterSets)
            $entries = if ($sets.Count -gt 1) { @(Split-Markdown $script:Page['SYNTAX'] '### ') } else { @([pscustomobject]@{ Title = $null; Lines = $script:Page['SYNTAX'] }) }
            $entries.Count | Should -Be $sets.Count
            foreach ($set in $sets) {
                $title = if ($sets.Count -gt 1) { $set.Name + $(if ($set.IsDefault) { ' (Default)' }) } else { $null }
                $entry = $entries | Where-Object Title -eq $title
                $entry | Should -Not -BeNullOrEmpty -Because "parameter set $($set.Name) needs '### $title'"
                $code = @((Get-CodeBlocks $entry.Lines).Blocks)
                $code.Count | Should -Be 1
                ($code[0].Text -join ' ').Trim() | Should -Be "$Name $set"
            }
        }

        It 'has at least one example of <Name> with code and an explanation' {
            $examples = @(Split-Markdown $script:Page['EXAMPLES'] '### ')
            $examples.Count | Should -BeGreaterThan 0
            foreach ($example in $examples) {
                $example.Title | Should -Match '^Example \d+: \S'
                $parts = Get-CodeBlocks $example.Lines
                @($parts.Blocks | Where-Object Info -eq 'powershell').Count | Should -BeGreaterThan 0 -Because $example.Title
                ConvertTo-PlainText $parts.Prose | Should -Not -BeNullOrEmpty -Because $example.Title
            }
        }

        It 'lists ErrorIds in the NOTES of <Name>' {
            (ConvertTo-PlainText $script:Page['NOTES']) | Should -Match '\bAcme[A-Z][A-Za-z]+\b'
        }

        It 'Get-Help <Name> -Full shows the synopsis, description and examples of the page' {
            $help = Get-Help $Name -Full
            $rendered = Compress-Text ($help | Out-String -Width 4096)

            $synopsis = ConvertTo-PlainText $script:Page['SYNOPSIS']
            Compress-Text $help.Synopsis | Should -Be $synopsis
            $rendered | Should -BeLikeExactly "*$([WildcardPattern]::Escape($synopsis))*"

            $description = ConvertTo-PlainText $script:Page['DESCRIPTION']
            Compress-Text (@($help.description | ForEach-Object Text) -join ' ') | Should -Be $description
            $rendered | Should -BeLikeExactly "*$([WildcardPattern]::Escape($description))*"

            $examples = @(Split-Markdown $script:Page['EXAMPLES'] '### ')
            $shown = @($help.examples.example)
            $shown.Count | Should -Be $examples.Count
            for ($i = 0; $i -lt $examples.Count; $i++) {
                $parts = Get-CodeBlocks $examples[$i].Lines
                # The code blocks before the first explanation are the example's code; the text after it, its remarks.
                $code = Compress-Text ((@($parts.Blocks | Where-Object { -not $_.AfterProse }) | ForEach-Object { $_.Text -join "`n" }) -join "`n`n")
                $remarks = ConvertTo-PlainText (@($parts.Prose) + @($parts.Blocks | Where-Object AfterProse | ForEach-Object { $_.Text }))
                $shown[$i].title | Should -BeLike "*$([WildcardPattern]::Escape($examples[$i].Title))*"
                Compress-Text $shown[$i].code | Should -Be $code
                Compress-Text (@($shown[$i].remarks | ForEach-Object Text) -join ' ') | Should -Be $remarks
                $rendered | Should -BeLikeExactly "*$([WildcardPattern]::Escape($code))*"
                $rendered | Should -BeLikeExactly "*$([WildcardPattern]::Escape($remarks))*"
            }
        }
    }
}

Describe 'About topics' {
    Context '<Name>' -ForEach $AboutCases {
        It 'is installed as en-US/<Name>.help.txt in the module folder' {
            Join-Path $script:Module.ModuleBase "en-US/$Name.help.txt" | Should -Exist
        }

        It 'Get-Help <Name> shows the topic, with its short description as synopsis' {
            $lines = (Get-Content -Raw (Join-Path $script:Docs "$Name.md")) -replace "`r`n", "`n" -split "`n"
            $sections = @{}
            foreach ($s in Split-Markdown $lines '## ') { $sections[$s.Title] = @($s.Lines) }
            $short = ConvertTo-PlainText $sections['SHORT DESCRIPTION']
            $short | Should -Not -BeNullOrEmpty

            $topic = Get-Help $Name
            $topic | Should -Not -BeNullOrEmpty
            $text = Compress-Text ($topic | Out-String)
            $text | Should -BeLikeExactly "*$([WildcardPattern]::Escape($short))*"
            $text | Should -BeLikeExactly '*LONG DESCRIPTION*'
            $listed = Get-Help "$Name*" | Where-Object Name -eq $Name
            $listed.Category | Should -Be 'HelpFile'
            $listed.Synopsis | Should -Be $short
        }
    }
}

Describe 'The plugin example in about_AcmePS_Plugins' {
    BeforeAll {
        $script:ExampleCode = Get-PluginExample
        $tokens = $null
        $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($script:ExampleCode, [ref]$tokens, [ref]$errors)
        $script:ParseErrors = $errors
        $names = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true).Name)
        $script:PluginName = @($names | ForEach-Object { if ($_ -match '^Publish-Acme(?<p>\w+)Challenge$') { $Matches.p } }) | Select-Object -First 1
        # Loaded the way a user would: as a module of its own (the code ends with Export-ModuleMember).
        $script:ExampleModule = New-Module -Name AcmePSHelpPluginExample -ScriptBlock ([scriptblock]::Create($script:ExampleCode)) | Import-Module -PassThru
    }

    AfterAll {
        if ($script:ExampleModule) { Remove-Module $script:ExampleModule -Force -ErrorAction SilentlyContinue }
    }

    It 'parses without errors' {
        $script:ParseErrors | Should -BeNullOrEmpty
        $script:PluginName | Should -Not -BeNullOrEmpty
    }

    It 'defines Publish and Unpublish commands with a Challenge parameter that takes pipeline input' {
        foreach ($verb in 'Publish', 'Unpublish') {
            $command = Get-Command "$verb-Acme$($script:PluginName)Challenge" -Module AcmePSHelpPluginExample -ErrorAction SilentlyContinue
            $command | Should -Not -BeNullOrEmpty -Because "the example must define $verb-Acme$($script:PluginName)Challenge"
            $command.Parameters.Keys | Should -Contain 'Challenge'
            $attributes = @($command.Parameters['Challenge'].Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
            ($attributes | Where-Object ValueFromPipeline) | Should -Not -BeNullOrEmpty -Because "$verb's -Challenge takes challenge objects from the pipeline"
        }
    }

    It 'declares the same parameters in both commands (New-AcmeCertificate splats -PluginParameters into both)' {
        $own = {
            param($c) @($c.Parameters.Keys | Where-Object { $_ -notin $script:CommonNames -and $_ -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters } | Sort-Object)
        }
        $publish = & $own (Get-Command "Publish-Acme$($script:PluginName)Challenge")
        $unpublish = & $own (Get-Command "Unpublish-Acme$($script:PluginName)Challenge")
        $unpublish | Should -Be $publish
    }

    It 'records the publication with $Challenge.MarkPublished($PSCmdlet)' {
        $script:ExampleCode | Should -Match '\.MarkPublished\(\$PSCmdlet\)'
    }

    Context 'against Pebble' {
        BeforeAll {
            $script:Server = Start-AcmeTestServer
            $script:Vault = New-TestVault
            $null = Initialize-TestAccount $script:Server
        }

        AfterAll {
            if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
            Remove-TestVault $script:Vault
        }

        It 'issues a certificate for a name and its wildcard through New-AcmeCertificate -Plugin' {
            $name = New-UniqueName 'doc'
            $cert = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin $script:PluginName -PluginParameters @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
            $cert.DnsNames | Sort-Object | Should -Be (@($name, "*.$name") | Sort-Object)
        }

        It 'works in the step-by-step pipeline, marking each challenge for Submit-AcmeChallenge to unpublish' {
            $name = New-UniqueName 'docp'
            $published = @(New-AcmeOrder -DnsName $name | Get-AcmeChallenge |
                    & "Publish-Acme$($script:PluginName)Challenge" -ManagementUrl $script:Server.ChallTestSrvUrl)
            $published.Count | Should -Be 1
            $published[0].PublishedBy | Should -Be $script:PluginName
            # the parameters are kept inside the object (they may be secrets), not in a property
            $published[0].PSObject.Properties.Name | Should -Not -Contain 'PluginParameters'
            $order = $published | Submit-AcmeChallenge
            $order.Status | Should -Be 'ready'
            $published[0].PublishedBy | Should -BeNullOrEmpty -Because 'Submit-AcmeChallenge clears it once the Unpublish command has run'
        }
    }
}

Describe 'HelpGen' {
    BeforeAll {
        $script:HelpGen = Get-HelpGenDll
        $script:Work = Join-Path ([System.IO.Path]::GetTempPath()) ('acmeps-helpgen-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        function Invoke-HelpGenOn([string]$PageName, [scriptblock]$Break) {
            # A docs folder with one page, broken by $Break; returns the exit code and the messages.
            $dir = Join-Path $script:Work ([guid]::NewGuid().ToString('N').Substring(0, 8))
            $null = New-Item -ItemType Directory -Path $dir
            $text = Get-Content -Raw (Join-Path $script:Docs "$PageName.md")
            Set-Content -Path (Join-Path $dir "$PageName.md") -Value (& $Break $text) -NoNewline
            $output = & dotnet $script:HelpGen.FullName $dir (Join-Path $dir 'out') 2>&1
            [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = ($output | Out-String); Written = Test-Path (Join-Path $dir 'out') }
        }
    }

    AfterAll {
        if ($script:Work -and (Test-Path $script:Work)) { Remove-Item $script:Work -Recurse -Force }
    }

    It 'was built by the Build task' {
        $script:HelpGen | Should -Not -BeNullOrEmpty -Because 'dotnet pwsh ./build.ps1 Build builds build/HelpGen'
    }

    It 'refuses a page <Case>, naming the file and the problem' -TestCases @(
        @{ Case = 'without a NOTES section'; Page = 'Get-AcmeServer'; Expected = 'missing section.*## NOTES'; Break = { param($t) $t -replace '(?s)## NOTES.*?(?=## RELATED LINKS)', '' } }
        @{ Case = 'whose parameter yaml does not parse'; Page = 'Get-AcmeServer'; Expected = 'not valid YAML'; Break = { param($t) $t -replace 'Required: False', 'Required: [False' } }
        @{ Case = 'whose parameter has no yaml block'; Page = 'Get-AcmeAccount'; Expected = '-Server has no ```yaml block'; Break = { param($t) $t -replace '(?s)(### -Server.*?)```yaml.*?```', '$1' } }
        @{ Case = 'whose example has no code'; Page = 'Get-AcmeAccount'; Expected = 'has no ```powershell block'; Break = { param($t) $t -replace '(?s)```powershell\s*\nGet-AcmeAccount\s*\n```', '' } }
        @{ Case = 'with an unknown yaml key'; Page = 'Get-AcmeAccount'; Expected = "unknown key 'Require'"; Break = { param($t) $t -replace 'Required: False', 'Require: False' } }
    ) {
        if (-not $script:HelpGen) { Set-ItResult -Skipped -Because 'HelpGen is not built'; return }
        $result = Invoke-HelpGenOn $Page $Break
        $result.ExitCode | Should -Be 1
        $result.Output | Should -Match ([regex]::Escape("$Page.md:"))
        $result.Output | Should -Match $Expected
        $result.Written | Should -BeFalse -Because 'nothing is written when a page is malformed'
    }
}
