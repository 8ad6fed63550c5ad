# The REST DNS-provider plugins (AzureDns, Cloudflare, Route53, AcmeDns) end to end: Pebble validates through
# challtestsrv, which the provider stand-in (tests/AcmePS.ProviderStandIn) updates on every TXT change it is asked for.
# The stand-in checks each API's request shapes and credentials (Route53: the SigV4 signature, recomputed).
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Env = Start-TestEnvironment
    $script:Server = $script:Env.Server
    $script:StandIn = Start-AcmeProviderStandIn -Server $script:Server
    $u = $script:StandIn.Url
    $script:Params = @{
        Cloudflare = @{ ApiToken = 'cf-token-standin'; ApiUrl = "$u/cloudflare/client/v4/" }
        AzureDns   = @{ SubscriptionId = '00000000-0000-0000-0000-0000000000a1'; TenantId = 'tenant-standin'; ClientId = 'app-standin'
                        ClientSecret = 'app-secret-standin'; ResourceManagerUrl = "$u/azure/arm/"; LoginUrl = "$u/azure/login/" }
        Route53    = @{ AccessKeyId = 'AKIDSTANDIN'; SecretAccessKey = 'standin/secret/KEY'; Endpoint = "$u/route53/" }
    }

    function Get-StandIn([string]$What) {
        $answer = Invoke-RestMethod -Uri "$($script:StandIn.Url)/__standin/$What"
        $answer   # an array is written one element at a time
    }
    function Get-Record([string]$Name) {
        $records = Get-StandIn records
        $p = $records.PSObject.Properties[$Name.ToLowerInvariant()]
        if ($p) { $p.Value } else { $null }
    }
    function New-TestChallenge([string]$Identifier, [string]$Value) {
        $base = $Identifier -replace '^\*\.', ''
        [AcmePS.Models.AcmeChallenge]@{ Identifier = $Identifier; Type = 'dns-01'; Status = 'pending'; RecordName = "_acme-challenge.$base"; RecordValue = $Value }
    }
    function Get-Texts($Records) { @($Records | ForEach-Object { if ($_ -is [Management.Automation.ErrorRecord]) { "$_ $($_.Exception)" } else { "$_" } }) -join "`n" }
}

AfterAll {
    if ($script:StandIn) { Stop-AcmeProviderStandIn -StandIn $script:StandIn }
    Stop-TestEnvironment $script:Env
}

Describe 'Issuance through <Plugin> (a name and its wildcard)' -ForEach @(
    @{ Plugin = 'Cloudflare' }, @{ Plugin = 'AzureDns' }, @{ Plugin = 'Route53' }
) {
    It 'publishes both values in one TXT RRset, gets the certificate, and removes the values' {
        $name = New-UniqueName $Plugin.ToLowerInvariant().Substring(0, 2)
        $cert = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin $Plugin -PluginParameters $script:Params[$Plugin]
        $cert.DnsNames | Sort-Object | Should -Be (@($name, "*.$name") | Sort-Object)
        $record = Get-Record "_acme-challenge.$name"
        $record.most | Should -Be 2 -Because 'the name and its wildcard share one RRset, both values at once'
        @($record.values).Count | Should -Be 0 -Because 'Unpublish removed both values'
    }

    It 'removes only its own values from an RRset that holds others' {
        $name = New-UniqueName 'own'
        $params = $script:Params[$Plugin]
        $a = New-TestChallenge $name 'value-of-a'
        $b = New-TestChallenge "*.$name" 'value-of-b'
        $published = @($a, $b | & "Publish-Acme$($Plugin)Challenge" @params)
        $published.PublishedBy | Should -Be @($Plugin, $Plugin)
        @((Get-Record "_acme-challenge.$name").values) | Sort-Object | Should -Be @('value-of-a', 'value-of-b')
        $a | & "Unpublish-Acme$($Plugin)Challenge" @params
        @((Get-Record "_acme-challenge.$name").values) | Should -Be @('value-of-b')
        $b | & "Unpublish-Acme$($Plugin)Challenge" @params
        @((Get-Record "_acme-challenge.$name").values).Count | Should -Be 0
    }
}

Describe 'Wrong credentials' {
    It '<Plugin> with a wrong secret gives AcmePluginAuthenticationFailed, and the secret is in no stream' -ForEach @(
        @{ Plugin = 'Cloudflare'; Key = 'ApiToken' }
        @{ Plugin = 'AzureDns'; Key = 'ClientSecret' }
        @{ Plugin = 'Route53'; Key = 'SecretAccessKey' }
    ) {
        $params = $script:Params[$Plugin].Clone()
        $params[$Key] = 'Wrong-Secret-4711'
        $out = New-TestChallenge (New-UniqueName 'wrong') 'v' | & "Publish-Acme$($Plugin)Challenge" @params -Verbose -Debug -ErrorAction Continue *>&1
        $errors = @($out | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        Get-ErrorId $errors | Should -Be 'AcmePluginAuthenticationFailed'
        $errors[0].CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errors[0].Exception.Message | Should -Match $(if ($Plugin -eq 'Route53') { 'SignatureDoesNotMatch' } elseif ($Plugin -eq 'AzureDns') { 'invalid_client' } else { 'Invalid access token' })
        Get-Texts $out | Should -Not -Match 'Wrong-Secret-4711'
        @($out | Where-Object { $_ -is [AcmePS.Models.AcmeChallenge] }).Count | Should -Be 0
    }

    It 'New-AcmeCertificate reports the provider error and AcmePluginPublishFailed, writes no certificate' {
        $name = New-UniqueName 'wcf'
        $params = $script:Params.Cloudflare.Clone(); $params.ApiToken = 'Wrong-Token-0815'
        $cert = New-AcmeCertificate -DnsName $name -Plugin Cloudflare -PluginParameters $params -ErrorVariable ev -ErrorAction SilentlyContinue
        $cert | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Contain 'AcmePluginAuthenticationFailed'
        Get-Texts $ev | Should -Not -Match 'Wrong-Token-0815'
    }
}

Describe 'Zones' {
    It '<Plugin> reports AcmeDnsZoneNotFound for <Name>' -ForEach @(
        @{ Plugin = 'Cloudflare'; Name = 'x.nozone.test' }
        @{ Plugin = 'AzureDns'; Name = 'x.nozone.test' }
        @{ Plugin = 'Route53'; Name = 'x.private.test' }   # a private hosted zone does not count
    ) {
        $params = $script:Params[$Plugin]
        New-TestChallenge $Name 'v' | & "Publish-Acme$($Plugin)Challenge" @params -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeDnsZoneNotFound'
        $ev[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $ev[0].Exception.Message | Should -Match ([regex]::Escape("_acme-challenge.$Name"))
    }
}

Describe 'AzureDns' {
    It 'finds the zone by the longest suffix among the subscription''s zones (over two pages of the list)' {
        $label = 'z' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        $params = $script:Params.AzureDns
        $null = New-TestChallenge "$label.deep.example.test" 'deep-value' | Publish-AcmeAzureDnsChallenge @params
        $put = @(Get-StandIn log | Where-Object { $_.method -eq 'PUT' -and $_.path -like "*_acme-challenge.$label" })
        $put.Count | Should -Be 1
        $put[0].path | Should -Be "/azure/arm/subscriptions/00000000-0000-0000-0000-0000000000a1/resourceGroups/rg-deep/providers/Microsoft.Network/dnszones/deep.example.test/TXT/_acme-challenge.$label"
        $put[0].query | Should -Be '?api-version=2018-05-01'
        $put[0].headers.'if-none-match' | Should -Be '*'
        ($put[0].body | ConvertFrom-Json).properties.TXTRecords[0].value | Should -Be @('deep-value')
        New-TestChallenge "$label.deep.example.test" 'deep-value' | Unpublish-AcmeAzureDnsChallenge @params
    }

    It 'issues with a client certificate (a client assertion signed with its key)' {
        $dir = Join-Path $script:Server.WorkDir ('sp-' + [guid]::NewGuid().ToString('N').Substring(0, 6))
        $null = New-Item -ItemType Directory $dir
        $key = Join-Path $dir 'sp.key'; $crt = Join-Path $dir 'sp.crt'; $pem = Join-Path $dir 'sp.pem'; $pfx = Join-Path $dir 'sp.pfx'
        $null = & openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=acmeps-sp -keyout $key -out $crt 2>&1
        Get-Content $crt, $key | Set-Content $pem
        $null = & openssl pkcs12 -export -in $crt -inkey $key -out $pfx -passout pass:pfx-pass-1 2>&1
        $null = Invoke-RestMethod -Method Post -Uri "$($script:StandIn.Url)/__standin/azure-certificate" -Body (Get-Content -Raw $crt)
        $common = @{ SubscriptionId = $script:Params.AzureDns.SubscriptionId; TenantId = 'tenant-standin'; ClientId = 'app-standin'
                     ResourceManagerUrl = $script:Params.AzureDns.ResourceManagerUrl; LoginUrl = $script:Params.AzureDns.LoginUrl }
        $name = New-UniqueName 'cert'
        $cert = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin AzureDns -PluginParameters ($common + @{ CertificatePath = $pem })
        $cert.DnsNames.Count | Should -Be 2
        $name2 = New-UniqueName 'pfx'
        $cert2 = New-AcmeCertificate -DnsName $name2 -Plugin AzureDns -PluginParameters ($common + @{ CertificatePath = $pfx; CertificatePassword = (ConvertTo-SecureString 'pfx-pass-1' -AsPlainText -Force) })
        $cert2.DnsNames | Should -Be @($name2)
        $tokenRequests = @(Get-StandIn log | Where-Object { $_.path -eq '/azure/login/tenant-standin/oauth2/v2.0/token' -and $_.body -match 'client_assertion=' })
        $tokenRequests.Count | Should -BeGreaterThan 0
        $tokenRequests[0].body | Should -Not -Match 'client_secret'
    }

    It 'issues with a managed identity from IDENTITY_ENDPOINT/IDENTITY_HEADER (Azure Automation)' {
        $env:IDENTITY_ENDPOINT = "$($script:StandIn.Url)/azure/identity"; $env:IDENTITY_HEADER = 'identity-header-standin'
        try {
            $name = New-UniqueName 'mi'
            $params = @{ SubscriptionId = $script:Params.AzureDns.SubscriptionId; ResourceManagerUrl = $script:Params.AzureDns.ResourceManagerUrl }
            (New-AcmeCertificate -DnsName $name -Plugin AzureDns -PluginParameters $params).DnsNames | Should -Be @($name)
            $identity = @(Get-StandIn log | Where-Object { $_.path -eq '/azure/identity' })
            $identity.Count | Should -Be 1 -Because 'the token is cached for the process until shortly before it expires'
            $identity[0].headers.'x-identity-header' | Should -Be 'identity-header-standin'
        }
        finally { Remove-Item Env:IDENTITY_ENDPOINT, Env:IDENTITY_HEADER }
    }

    It 'gets managed identity tokens from MSI_ENDPOINT/MSI_SECRET and from the instance metadata service' {
        $params = @{ SubscriptionId = $script:Params.AzureDns.SubscriptionId; ResourceManagerUrl = $script:Params.AzureDns.ResourceManagerUrl }
        $env:MSI_ENDPOINT = "$($script:StandIn.Url)/azure/msi"; $env:MSI_SECRET = 'msi-secret-standin'
        try {
            $c = New-TestChallenge (New-UniqueName 'msi') 'msi-value'
            ($c | Publish-AcmeAzureDnsChallenge @params).PublishedBy | Should -Be 'AzureDns'
            $c | Unpublish-AcmeAzureDnsChallenge @params
        }
        finally { Remove-Item Env:MSI_ENDPOINT, Env:MSI_SECRET }
        $env:ACMEPS_AZURE_IMDS_URL = "$($script:StandIn.Url)/azure/imds/"
        try {
            $c = New-TestChallenge (New-UniqueName 'imds') 'imds-value'
            ($c | Publish-AcmeAzureDnsChallenge @params).PublishedBy | Should -Be 'AzureDns'
            $c | Unpublish-AcmeAzureDnsChallenge @params
        }
        finally { Remove-Item Env:ACMEPS_AZURE_IMDS_URL }
        $log = @(Get-StandIn log)
        @($log | Where-Object path -eq '/azure/msi').Count | Should -Be 1
        @($log | Where-Object path -eq '/azure/imds/metadata/identity/oauth2/token').Count | Should -Be 1
        @($log | Where-Object { $_.path -like '*/TXT/_acme-challenge.msi*' -or $_.path -like '*/TXT/_acme-challenge.imds*' }).Count | Should -Be 8 -Because 'GET + PUT to publish, GET + DELETE to remove, for each of the two'
    }

    It 'refuses a wrong access token with AcmePluginAuthenticationFailed' {
        $params = @{ SubscriptionId = $script:Params.AzureDns.SubscriptionId; ResourceManagerUrl = $script:Params.AzureDns.ResourceManagerUrl; AccessToken = 'not-a-token-1234' }
        New-TestChallenge (New-UniqueName 'at') 'v' | Publish-AcmeAzureDnsChallenge @params -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmePluginAuthenticationFailed'
        $ev[0].Exception.Message | Should -Match 'InvalidAuthenticationToken'
        $ev[0].Exception.Message | Should -Not -Match 'not-a-token-1234'
    }
}

Describe 'Route53' {
    It 'UPSERTs quoted values with every value of the RRset, and DELETEs the exact set' {
        $name = New-UniqueName 'r53'
        $null = Invoke-RestMethod -Uri "$($script:StandIn.Url)/__standin/reset-log" -Method Post
        $cert = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin Route53 -PluginParameters $script:Params.Route53
        $cert.DnsNames.Count | Should -Be 2
        $posts = @(Get-StandIn log | Where-Object { $_.method -eq 'POST' -and $_.path -like '/route53/2013-04-01/hostedzone/Z1EXAMPLE/rrset*' })
        $posts.Count | Should -Be 2 -Because 'one change batch to publish both values, one to remove them'
        $up = [xml]$posts[0].body
        $up.ChangeResourceRecordSetsRequest.ChangeBatch.Changes.Change.Action | Should -Be 'UPSERT'
        @($up.ChangeResourceRecordSetsRequest.ChangeBatch.Changes.Change.ResourceRecordSet.ResourceRecords.ResourceRecord.Value) | ForEach-Object { $_ | Should -Match '^".{43}"$' }
        @($up.ChangeResourceRecordSetsRequest.ChangeBatch.Changes.Change.ResourceRecordSet.ResourceRecords.ResourceRecord).Count | Should -Be 2
        ([xml]$posts[1].body).ChangeResourceRecordSetsRequest.ChangeBatch.Changes.Change.Action | Should -Be 'DELETE'
        @(Get-StandIn log | Where-Object { $_.path -like '/route53/2013-04-01/change/*' }).Count | Should -BeGreaterThan 1 -Because 'GetChange is polled until INSYNC'
    }

    It 'takes credentials from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, then from the instance metadata service (IMDSv2)' {
        $endpoint = @{ Endpoint = $script:Params.Route53.Endpoint }
        $env:AWS_ACCESS_KEY_ID = 'AKIDSTANDIN'; $env:AWS_SECRET_ACCESS_KEY = 'standin/secret/KEY'
        try { (New-AcmeCertificate -DnsName ($n1 = New-UniqueName 'env') -Plugin Route53 -PluginParameters $endpoint).DnsNames | Should -Be @($n1) }
        finally { Remove-Item Env:AWS_ACCESS_KEY_ID, Env:AWS_SECRET_ACCESS_KEY }
        $env:ACMEPS_AWS_IMDS_URL = "$($script:StandIn.Url)/aws-imds/"
        try { (New-AcmeCertificate -DnsName ($n2 = New-UniqueName 'imds') -Plugin Route53 -PluginParameters $endpoint).DnsNames | Should -Be @($n2) }
        finally { Remove-Item Env:ACMEPS_AWS_IMDS_URL }
        $signed = @(Get-StandIn log | Where-Object { $_.path -like '/route53/*' -and $_.headers.authorization -like '*Credential=ASIASTANDINROLE/*' })
        $signed.Count | Should -BeGreaterThan 0
        $signed[0].headers.'x-amz-security-token' | Should -Be 'role-session-token-standin'
        $signed[0].headers.authorization | Should -Match 'SignedHeaders=host;x-amz-date;x-amz-security-token,'
    }
}

Describe 'AcmeDns' {
    It 'registers once, names the CNAME to create and fails until it exists, then issues with the stored registration' {
        $name = New-UniqueName 'adns'
        $params = @{ Server = "$($script:StandIn.Url)/acmedns/"; DnsServer = "127.0.0.1:$($script:Server.DnsPort)" }
        # (the plugin also writes the CNAME to create as a warning, on the host)
        $cert = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin AcmeDns -PluginParameters $params -ErrorVariable ev -ErrorAction SilentlyContinue 3>$null
        $cert | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Contain 'AcmeDnsCnameMissing'
        $missing = $ev | Where-Object { $_.FullyQualifiedErrorId -like 'AcmeDnsCnameMissing,*' } | Select-Object -First 1
        $missing.Exception.Message | Should -Match "'_acme-challenge\.$([regex]::Escape($name))\. CNAME (?<target>[0-9a-f-]+\.auth\.acme-dns\.test)\.'"
        $target = [regex]::Match($missing.Exception.Message, '[0-9a-f-]+\.auth\.acme-dns\.test').Value
        $file = Join-Path $script:Env.Vault "plugins/acmedns/127.0.0.1_$(([uri]$script:StandIn.Url).Port)/$name.json"
        Test-Path $file | Should -BeTrue
        @(Get-StandIn log | Where-Object { $_.path -eq '/acmedns/register' }).Count | Should -Be 1

        $null = Invoke-RestMethod -Method Post -Uri "$($script:Server.ChallTestSrvUrl)/set-cname" -Body (@{ host = "_acme-challenge.$name."; target = "$target." } | ConvertTo-Json)
        $all = @(New-AcmeCertificate -DnsName $name, "*.$name" -Plugin AcmeDns -PluginParameters $params -Verbose -Debug *>&1)
        $cert = $all | Where-Object { $_ -is [AcmePS.Models.AcmeCertificate] }
        $cert.DnsNames.Count | Should -Be 2
        $password = @(Get-StandIn log | Where-Object path -eq '/acmedns/update')[0].headers.'x-api-key'
        $password | Should -Not -BeNullOrEmpty
        Get-Texts $all | Should -Not -Match ([regex]::Escape($password)) -Because 'the registration''s password is in no output stream'
        @(Get-StandIn log | Where-Object { $_.path -eq '/acmedns/register' }).Count | Should -Be 1 -Because 'the registration in the vault is reused'
        $updates = @(Get-StandIn log | Where-Object { $_.path -eq '/acmedns/update' })
        $updates.Count | Should -Be 2
        $updates[0].headers.'x-api-user' | Should -Not -BeNullOrEmpty
        (Get-Record $target).most | Should -Be 2
    }
}

Describe 'Manual' {
    It 'fails at once with AcmePluginNotInteractive in pwsh -NonInteractive, instead of waiting for Enter' {
        $module = (Get-Module AcmePS).Path -replace '\.dll$', '.psd1'
        $script = @"
Import-Module '$((Get-Module AcmePS).ModuleBase)/AcmePS.psd1'
`$c = [AcmePS.Models.AcmeChallenge]@{ Identifier = 'm.example.test'; Type = 'dns-01'; Status = 'pending'; RecordName = '_acme-challenge.m.example.test'; RecordValue = 'v' }
try { `$c | Publish-AcmeManualChallenge -ErrorAction Stop; 'PUBLISHED' } catch { 'ERROR ' + `$_.FullyQualifiedErrorId + ' ' + `$_.Exception.Message }
"@
        Push-Location $script:RepoRoot
        try { $out = (& dotnet pwsh -NoProfile -NonInteractive -Command $script 2>&1) -join "`n" }
        finally { Pop-Location }
        $out | Should -Match 'ERROR AcmePluginNotInteractive,AcmePS.Commands.PublishAcmeManualChallengeCommand'
        $out | Should -Match 'NonInteractive|redirected'
        $out | Should -Not -Match 'PUBLISHED'
    }

    It 'shows the records and goes on after Enter in a terminal' {
        # util-linux script(1) gives the child pwsh a pseudo-terminal: an interactive console whose Enter we type.
        $file = Join-Path ([IO.Path]::GetTempPath()) ("acmeps-manual-" + [guid]::NewGuid().ToString('N').Substring(0, 8) + '.ps1')
        @"
Import-Module '$((Get-Module AcmePS).ModuleBase)/AcmePS.psd1'
`$c = [AcmePS.Models.AcmeChallenge]@{ Identifier = 'm.example.test'; Type = 'dns-01'; Status = 'pending'; RecordName = '_acme-challenge.m.example.test'; RecordValue = 'manual-value-1' }
`$w = [AcmePS.Models.AcmeChallenge]@{ Identifier = '*.m.example.test'; Type = 'dns-01'; Status = 'pending'; RecordName = '_acme-challenge.m.example.test'; RecordValue = 'manual-value-2' }
`$out = @(`$c, `$w | Publish-AcmeManualChallenge)
'RESULT ' + (`$out.PublishedBy -join ',')
"@ | Set-Content $file
        $psi = [Diagnostics.ProcessStartInfo]::new('script')
        foreach ($a in '-qec', "dotnet pwsh -NoProfile -File $file", '/dev/null') { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.UseShellExecute = $false
        $psi.WorkingDirectory = $script:RepoRoot
        $p = [Diagnostics.Process]::Start($psi)
        try {
            $reading = $p.StandardOutput.ReadToEndAsync()
            $deadline = [DateTime]::UtcNow.AddSeconds(90)
            while (-not $p.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                # What a terminal would send: the answer to the console's cursor-position query (ESC[6n), then Enter;
                # again and again, as input that comes before the prompt is swallowed.
                try { $p.StandardInput.Write("`e[1;1R`r"); $p.StandardInput.Flush() } catch [System.IO.IOException] { }
                Start-Sleep -Milliseconds 500
            }
            $p.HasExited | Should -BeTrue -Because 'Enter lets it go on'
            $out = $reading.GetAwaiter().GetResult()
        }
        finally { if (-not $p.HasExited) { $p.Kill() }; $p.Dispose(); Remove-Item $file -ErrorAction SilentlyContinue }
        $out | Should -Match 'TXT\s+_acme-challenge\.m\.example\.test\.\s+"manual-value-1"'
        $out | Should -Match 'TXT\s+_acme-challenge\.m\.example\.test\.\s+"manual-value-2"'
        $out | Should -Match 'RESULT Manual,Manual'
    }
}
