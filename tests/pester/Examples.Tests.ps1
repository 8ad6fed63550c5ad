# The examples of the help pages (docs/en-US/<Command>.md) that are marked runnable, run against Pebble.
#
# The marker is the line
#     <!-- runnable -->
# right under an example's '### Example N: Title' heading, before its ```powershell block. It is an HTML comment: GitHub
# and other markdown renderers do not show it, the page keeps the platyPS layout (heading, code, remarks), and
# build/HelpGen drops comments, so it never reaches the MAML that Get-Help shows (tested below). Mark an example when it runs as written in the environment below;
# leave unmarked the ones that need the internet (Let's Encrypt, another CA), a prompt (Read-Host, a confirmation) or
# something outside PowerShell and AcmePS (nginx, /etc, a web server, a scheduler, a step done by hand).
#
# Every runnable example runs on its own, as a reader would type it after setting up AcmePS, with:
# - a vault of its own, so examples do not depend on each other or on their order. It holds the Pebble of this file as
#   the default server, added the way Set-AcmeServer's Example 3 adds a local Pebble (https://localhost:<port>/dir with
#   Pebble's TLS root), an account, and what a reader of the pages has issued already: the certificates 'example.com'
#   (example.com, www.example.com) and '!.example.com' (*.example.com, example.com), and a renewal of the first one
#   started step by step, the order 'example.com', validated ('ready') but not completed;
# - a new folder as the current location, for the files an example writes, holding the files the examples name:
#   ./pebble/cert.pem (Pebble's TLS root), ./sites.csv (as the comment of New-AcmeOrder's Example 4 shows it), and
#   ./example.key and ./example.csr (made by the openssl command in the comment of Complete-AcmeOrder's Example 3);
# - the plugin the examples call "your plugin": MyDns (dns-01: -ZoneId, and an optional -ApiToken), which publishes
#   through Pebble's challtestsrv whatever zone it is given, and the built-in ChallTestSrv;
# - Pebble's default addresses, which the Pebble examples use, pointing at this file's Pebble: https://localhost:14000/dir
#   and challtestsrv's http://127.0.0.1:8055 are replaced in the code by the real ones, and so is Pebble's tlsPort 5001
#   (written '-Port 5001' or 'Port = 5001');
# - the variables that the examples take from an earlier example of their page: $password (a SecureString, as
#   Export-AcmeCertificate's Example 1 reads it);
# - PowerShell's default preferences ($ErrorActionPreference = 'Continue').
# An example passes when it throws nothing and writes no error ($Error stays empty); its output is rendered with
# Out-String, as the console would.
BeforeDiscovery {
    function Read-DocExamples([string]$Path) {
        # The examples of a command page (title, line, runnable, the ```powershell code before the first explanation, as
        # HelpGen takes it) and every misplaced or misspelled marker of any page.
        $page = [IO.Path]::GetFileNameWithoutExtension($Path)
        $lines = (Get-Content -Raw $Path) -replace "`r`n", "`n" -split "`n"
        $examples = [Collections.Generic.List[object]]::new()
        $problems = [Collections.Generic.List[string]]::new()
        $section = $null
        $current = $null
        $fence = $null      # the ``` block being read: its info string and lines
        for ($i = 0; $i -lt $lines.Count; $i++) {
            $line = $lines[$i]
            $where = "$page.md:$($i + 1)"
            if ($null -ne $fence) {
                if ($line -match '^```\s*$') {
                    if ($current -and -not $current.AfterProse -and $fence.Info -eq 'powershell') { $current.Code.Add($fence.Lines -join "`n") }
                    $fence = $null
                }
                else { $fence.Lines.Add($line) }
                continue
            }
            if ($line -match '^```\s*(\S*)') { $fence = @{ Info = $Matches[1]; Lines = [Collections.Generic.List[string]]::new() }; continue }
            if ($line -match '^## (.+)$') { $section = $Matches[1].Trim(); $current = $null; continue }
            if ($line -match '^### (.+)$') {
                $current = $null
                if ($section -eq 'EXAMPLES' -and $page -notlike 'about_*') {
                    $current = [pscustomobject]@{
                        Page = $page; Title = $Matches[1].Trim(); Line = $i + 1; Runnable = $false; AfterProse = $false
                        Code = [Collections.Generic.List[string]]::new()
                    }
                    $examples.Add($current)
                }
                continue
            }
            if ($line -match 'runnable' -and $line -match '<!--|-->') {
                if ($line -cne '<!-- runnable -->') { $problems.Add("${where}: a marker is written '<!-- runnable -->', not '$line'"); continue }
                if (-not $current -or $lines[$i - 1] -notmatch '^### Example \d+: ') {
                    $problems.Add("${where}: '<!-- runnable -->' belongs on the line right after a '### Example N: Title' heading of EXAMPLES")
                    continue
                }
                $current.Runnable = $true
                continue
            }
            if ($current -and $line.Trim() -and $line -notmatch '^\s*<!--.*-->\s*$') { $current.AfterProse = $true }
        }
        foreach ($e in $examples | Where-Object { $_.Runnable -and $_.Code.Count -eq 0 }) {
            $problems.Add("$page.md:$($e.Line): the runnable example '$($e.Title)' has no ``````powershell block before its explanation")
        }
        [pscustomobject]@{ Page = $page; Examples = $examples.ToArray(); Problems = $problems.ToArray() }
    }

    $docs = Join-Path $PSScriptRoot '../../docs/en-US'
    $read = @(Get-ChildItem $docs -Filter *.md | Sort-Object Name | ForEach-Object { Read-DocExamples $_.FullName })
    $script:MarkerProblems = @($read | ForEach-Object Problems)
    $script:AllExamples = @($read | ForEach-Object Examples)
    $script:PageCases = @($read | Where-Object { $_.Examples | Where-Object Runnable } | ForEach-Object {
            @{
                Page     = $_.Page
                Examples = @($_.Examples | Where-Object Runnable | ForEach-Object {
                        @{ Page = $_.Page; Title = $_.Title; Line = $_.Line; Code = $_.Code -join "`n`n" }
                    })
            }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Server = Start-AcmeTestServer
    # As the Pebble examples write it (Set-AcmeServer's Example 3): by name, with Pebble's TLS root.
    $script:DirectoryUrl = $script:Server.DirectoryUrl -replace '://127\.0\.0\.1:', '://localhost:'
    $script:Addresses = [ordered]@{
        'https://localhost:14000/dir' = $script:DirectoryUrl
        'http://127.0.0.1:8055'       = $script:Server.ChallTestSrvUrl
        # Pebble's tlsPort (5001 in its sample configuration), where tls-alpn-01 examples listen.
        '-Port 5001'                  = "-Port $($script:Server.TlsPort)"
        'Port = 5001'                 = "Port = $($script:Server.TlsPort)"
    }
    $script:Runs = Join-Path ([IO.Path]::GetTempPath()) ('acmeps-examples-' + [guid]::NewGuid().ToString('N').Substring(0, 8))

    # The files of the reader's folder, copied into each example's.
    $script:ReaderFiles = Join-Path $script:Runs 'reader-files'
    $null = New-Item -ItemType Directory -Path (Join-Path $script:ReaderFiles 'pebble')
    Copy-Item $script:Server.TrustedRoot (Join-Path $script:ReaderFiles 'pebble/cert.pem')
    Set-Content -Path (Join-Path $script:ReaderFiles 'sites.csv') -Value 'Name,DnsName', 'shop,shop.example.com', 'blog,blog.example.com'
    $out = & openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout (Join-Path $script:ReaderFiles 'example.key') `
        -subj /CN=example.com -addext 'subjectAltName=DNS:example.com,DNS:www.example.com' -out (Join-Path $script:ReaderFiles 'example.csr') 2>&1
    if ($LASTEXITCODE -ne 0) { throw "openssl req failed: $($out -join "`n")" }

    # "Your plugin" of the examples: MyDns (dns-01), publishing through challtestsrv.
    $script:Plugins = New-Module -Name AcmePSDocExamplePlugins -ArgumentList $script:Server.ChallTestSrvUrl -ScriptBlock {
        param([string]$ManagementUrl)

        function Publish-AcmeMyDnsChallenge {
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, ValueFromPipeline)] $Challenge,
                [Parameter(Mandatory)] [string] $ZoneId,
                [string] $ApiToken
            )
            process {
                foreach ($c in $Challenge) {
                    if ($c.Status -eq 'valid') { $c; continue }
                    if ($c.Type -ne 'dns-01') {
                        Write-Error "MyDns answers dns-01 challenges only, not $($c.Type)." -ErrorId MyDnsTypeUnsupported -TargetObject $c.Identifier
                        continue
                    }
                    $body = @{ host = "$($c.RecordName)."; value = $c.RecordValue } | ConvertTo-Json
                    $null = Invoke-RestMethod -Method Post -Uri "$ManagementUrl/set-txt" -Body $body
                    $c.MarkPublished($PSCmdlet)
                }
            }
        }

        function Unpublish-AcmeMyDnsChallenge {
            [CmdletBinding()]
            param(
                [Parameter(Mandatory, ValueFromPipeline)] $Challenge,
                [Parameter(Mandatory)] [string] $ZoneId,
                [string] $ApiToken
            )
            process {
                foreach ($c in $Challenge | Where-Object Type -eq 'dns-01') {
                    $null = Invoke-RestMethod -Method Post -Uri "$ManagementUrl/clear-txt" -Body (@{ host = "$($c.RecordName)." } | ConvertTo-Json)
                }
            }
        }

        Export-ModuleMember -Function Publish-AcmeMyDnsChallenge, Unpublish-AcmeMyDnsChallenge
    } | Import-Module -PassThru

    function New-ReaderSetup {
        # A vault and a folder as the header describes them; the vault is the current one (ACMEPS_VAULT).
        $vault = New-TestVault
        $folder = Join-Path $script:Runs ([guid]::NewGuid().ToString('N').Substring(0, 8))
        Copy-Item $script:ReaderFiles $folder -Recurse
        $cts = @{ ManagementUrl = $script:Server.ChallTestSrvUrl }
        $null = Set-AcmeServer -DirectoryUrl $script:DirectoryUrl -TrustedRoot $script:Server.TrustedRoot
        $null = New-AcmeAccount -Contact admin@example.com -AcceptTermsOfService
        $null = New-AcmeCertificate -DnsName example.com, www.example.com -Plugin ChallTestSrv -PluginParameters $cts
        $null = New-AcmeCertificate -DnsName '*.example.com', example.com -Plugin ChallTestSrv -PluginParameters $cts
        $null = New-AcmeOrder -DnsName example.com, www.example.com | Get-AcmeChallenge | Publish-AcmeChallTestSrvChallenge @cts | Submit-AcmeChallenge
        [pscustomobject]@{ Vault = $vault; Folder = $folder }
    }

    function Invoke-DocExample {
        # The example's code in a scope of its own, with the reader's preferences and variables.
        [CmdletBinding()]
        param([Parameter(Mandatory)][string]$Code)
        $ErrorActionPreference = 'Continue'
        $password = ConvertTo-SecureString 'correct horse battery staple' -AsPlainText -Force
        & ([scriptblock]::Create($Code))
    }
}

AfterAll {
    if ($script:Plugins) { Remove-Module $script:Plugins -Force -ErrorAction SilentlyContinue }
    if ($script:Server) { Stop-AcmeTestServer -Server $script:Server }
    if ($script:Runs -and (Test-Path $script:Runs)) { Remove-Item $script:Runs -Recurse -Force }
}

Describe 'The runnable marker' {
    It 'is written exactly as the HTML comment ''runnable'', on the line right after an example heading of a command page, and nowhere else' {
        $MarkerProblems -join "`n" | Should -BeNullOrEmpty
    }

    It 'marks examples on the command pages' {
        @($AllExamples | Where-Object Runnable).Count | Should -BeGreaterThan 0
    }

    It 'marks no example that waits for input (Read-Host)' {
        @($AllExamples | Where-Object { $_.Runnable -and ($_.Code -join "`n") -match '\bRead-Host\b' } | ForEach-Object { "$($_.Page): $($_.Title)" }) |
            Should -BeNullOrEmpty
    }

    It 'does not reach Get-Help <Page> -Examples' -ForEach $PageCases {
        $help = Get-Help $Page -Examples
        $text = $help | Out-String -Width 4096
        $text | Should -Not -BeLike '*<!--*'
        $text | Should -Not -BeLike '*runnable -->*'
        @($help.examples.example).Count | Should -Be @($AllExamples | Where-Object Page -eq $Page).Count
        foreach ($example in $Examples) {
            $shown = @($help.examples.example | Where-Object title -like "*$([WildcardPattern]::Escape($example.Title))*")
            $shown.Count | Should -Be 1 -Because $example.Title
            ($shown[0].code -replace '\s+', ' ').Trim() | Should -BeLikeExactly "$([WildcardPattern]::Escape(($example.Code -replace '\s+', ' ').Trim()))*"
        }
    }

    It 'is in no text of the MAML help file' {
        $maml = Get-ChildItem (Join-Path (Get-Module AcmePS).ModuleBase 'en-US') -Filter *-Help.xml
        $maml | Should -Not -BeNullOrEmpty
        foreach ($file in $maml) {
            $xml = [xml](Get-Content -Raw $file.FullName)
            $xml.DocumentElement.InnerText | Should -Not -BeLike '*<!--*' -Because $file.Name
            @($xml.SelectNodes('//comment()')).Count | Should -Be 0 -Because $file.Name
        }
    }
}

Describe 'Runnable examples' {
    Context '<Page>' -ForEach $PageCases {
        It '<Title>' -ForEach $Examples {
            $run = New-ReaderSetup
            $text = $Code
            foreach ($address in $script:Addresses.GetEnumerator()) { $text = $text.Replace($address.Key, $address.Value) }
            Push-Location $run.Folder
            try {
                $thrown = $null
                $Error.Clear()
                $output = try {
                    Invoke-DocExample -Code $text -ErrorVariable written -WarningVariable warned *>&1 | Out-String -Width 160
                }
                catch { $thrown = $_ }
                $errors = @($Error) + @($written) | Select-Object -Unique
            }
            finally {
                Pop-Location
                Remove-TestVault $run.Vault
                Remove-Item $run.Folder -Recurse -Force -ErrorAction SilentlyContinue
            }
            $report = "docs/en-US/$Page.md:$Line '$Title'`n$output"
            $thrown | Should -BeNullOrEmpty -Because "the example threw $($thrown.FullyQualifiedErrorId): $thrown`n$report"
            @($errors | ForEach-Object { "$($_.FullyQualifiedErrorId): $_" }) -join "`n" | Should -BeNullOrEmpty -Because "the example wrote errors`n$report"
        }
    }
}
