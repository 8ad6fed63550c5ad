# The Rfc2136 plugin (DNS UPDATE + TSIG) against a real BIND 9 of its own, with Pebble resolving through that BIND:
# no challtestsrv takes part in these validations. dig and nsupdate (BIND's own tools) check what the server holds.
BeforeAll {
    . (Join-Path $PSScriptRoot 'TestHelpers.ps1')
    $script:Bind = Start-AcmeTestBind -Records '_acme-challenge.cn IN CNAME _acme-challenge.cntarget.bind.test.'
    try {
        $script:Server = Start-AcmeTestServer -DnsServer $script:Bind.Server
        $script:Vault = New-TestVault
        $null = Initialize-TestAccount $script:Server
    }
    catch { Stop-AcmeTestBind $script:Bind; throw }

    function Get-Txt([string]$Name) {
        # What BIND serves, asked with its own tool.
        @(& dig +short +norecurse '@127.0.0.1' -p $script:Bind.Port TXT $Name | ForEach-Object { $_.Trim('"') } | Sort-Object)
    }
    function Invoke-NsUpdate([string[]]$Commands) {
        $script = (@("server 127.0.0.1 $($script:Bind.Port)") + $Commands + 'send') -join "`n"
        $out = $script | & nsupdate -y "hmac-sha256:$($script:Bind.KeyName):$($script:Bind.KeySecret)" 2>&1
        if ($LASTEXITCODE -ne 0) { throw "nsupdate failed: $out" }
    }
    function New-BindName([string]$Prefix) { "$Prefix$([guid]::NewGuid().ToString('N').Substring(0, 8)).bind.test" }
    $script:Params = @{ Server = '127.0.0.1'; Port = $script:Bind.Port; KeyName = $script:Bind.KeyName; KeySecret = $script:Bind.KeySecret }
}

AfterAll {
    if ($script:Server) { Stop-AcmeTestServer $script:Server }
    if ($script:Bind) { Stop-AcmeTestBind $script:Bind }
    Remove-TestVault $script:Vault
}

Describe 'Publish-AcmeRfc2136Challenge and Unpublish-AcmeRfc2136Challenge' {
    It 'adds the values of a name and its wildcard to one record set, and removes exactly its own' {
        $name = New-BindName 'rr'
        Invoke-NsUpdate "update add _acme-challenge.$name. 60 TXT `"someone-else`""
        $challenges = @(New-AcmeOrder -DnsName $name, "*.$name" | Get-AcmeChallenge -Type dns-01)
        $published = @($challenges | Publish-AcmeRfc2136Challenge @script:Params)
        $published.Count | Should -Be 2
        $published[0].PublishedBy | Should -Be 'Rfc2136'
        $published[0].DnsServers | Should -Be @("127.0.0.1:$($script:Bind.Port)")
        Get-Txt "_acme-challenge.$name" | Should -Be (@('someone-else') + $challenges.RecordValue | Sort-Object)

        $order = $published | Submit-AcmeChallenge
        $order.Status | Should -Be 'ready'
        # Submit-AcmeChallenge called Unpublish with the same parameters: only the other value is left
        Get-Txt "_acme-challenge.$name" | Should -Be @('someone-else')
        ($order | Complete-AcmeOrder).DnsNames | Sort-Object | Should -Be (@($name, "*.$name") | Sort-Object)
    }

    It 'issues through New-AcmeCertificate with an hmac-sha512 key given as a SecureString, and an explicit -Zone' {
        $name = New-BindName 'k5'
        $secure = ConvertTo-SecureString $script:Bind.Key512Secret -AsPlainText -Force
        $cert = New-AcmeCertificate -DnsName $name, "*.$name" -Plugin Rfc2136 -PluginParameters @{
            Server = "127.0.0.1:$($script:Bind.Port)"; KeyName = $script:Bind.Key512Name; KeyAlgorithm = 'hmac-sha512'; KeySecret = $secure; Zone = 'bind.test'
        }
        $cert.DnsNames | Sort-Object | Should -Be (@($name, "*.$name") | Sort-Object)
        Get-Txt "_acme-challenge.$name" | Should -BeNullOrEmpty
        # the settings recorded for renewals keep the secret out of the order's other files
        $orderFolder = Split-Path $cert.CertificatePath
        Get-Content -Raw (Join-Path $orderFolder 'order.json') | Should -Not -Match ([regex]::Escape($script:Bind.Key512Secret))
    }

    It 'writes where a CNAME on _acme-challenge leads, and removes it from there' {
        $challenge = New-AcmeOrder -DnsName 'cn.bind.test' | Get-AcmeChallenge -Type dns-01
        $published = $challenge | Publish-AcmeRfc2136Challenge @script:Params -Verbose 4>&1
        ($published | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message | Should -Match 'at _acme-challenge\.cntarget\.bind\.test on'
        Get-Txt '_acme-challenge.cntarget.bind.test' | Should -Be @($challenge.RecordValue)
        ($published | Where-Object { $_ -isnot [Management.Automation.VerboseRecord] } | Submit-AcmeChallenge).Status | Should -Be 'ready'
        Get-Txt '_acme-challenge.cntarget.bind.test' | Should -BeNullOrEmpty
    }

    It 'reports a wrong secret as AcmeRfc2136KeyRejected (BADSIG), publishes nothing and asks the CA nothing' {
        $name = New-BindName 'bad'
        $p = $script:Params.Clone(); $p.KeySecret = $script:Bind.Key512Secret
        New-AcmeCertificate -DnsName $name -Plugin Rfc2136 -PluginParameters $p -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $ids = Get-ErrorId $ev
        $ids | Should -Contain 'AcmeRfc2136KeyRejected'
        $ids | Should -Contain 'AcmePluginPublishFailed'
        $rejected = $ev | Where-Object { $_.FullyQualifiedErrorId -like 'AcmeRfc2136KeyRejected,*' } | Select-Object -First 1
        $rejected.Exception.Message | Should -Match 'BADSIG'
        $rejected.Exception.Message | Should -Match 'acme-key'
        $rejected.CategoryInfo.Category | Should -Be 'PermissionDenied'
        ($ev | Out-String) | Should -Not -Match ([regex]::Escape($script:Bind.Key512Secret))
        Get-Txt "_acme-challenge.$name" | Should -BeNullOrEmpty
        (Get-AcmeOrder -Name $name).Status | Should -Be 'pending'
    }

    It 'reports an unknown key name as BADKEY, a zone the server does not hold as refused, and a secret that is not base64' {
        $challenge = New-AcmeOrder -DnsName (New-BindName 'k') | Get-AcmeChallenge -Type dns-01
        $p = $script:Params.Clone(); $p.KeyName = 'no-such-key'
        $challenge | Publish-AcmeRfc2136Challenge @p -ErrorVariable e1 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $e1 | Should -Be 'AcmeRfc2136KeyRejected'
        $e1[0].Exception.Message | Should -Match 'BADKEY'

        $p = $script:Params.Clone(); $p.Zone = 'example.invalid'
        $challenge.RecordName = '_acme-challenge.x.example.invalid'
        $challenge | Publish-AcmeRfc2136Challenge @p -ErrorVariable e2 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $e2 | Should -Be 'AcmeRfc2136Refused'

        $p = $script:Params.Clone(); $p.KeySecret = 'not base64!'
        $challenge | Publish-AcmeRfc2136Challenge @p -ErrorVariable e3 -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $e3 | Should -Be 'AcmeRfc2136KeyInvalid'
        $e3[0].Exception.Message | Should -Not -Match 'not base64!'
    }

    It 'reports a server that does not answer as AcmeRfc2136Unreachable' {
        $closed = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0); $closed.Start(); $port = $closed.LocalEndpoint.Port; $closed.Stop()
        $p = $script:Params.Clone(); $p.Port = $port; $p.Zone = 'bind.test'
        New-AcmeOrder -DnsName (New-BindName 'un') | Get-AcmeChallenge -Type dns-01 |
            Publish-AcmeRfc2136Challenge @p -ErrorVariable ev -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-ErrorId $ev | Should -Be 'AcmeRfc2136Unreachable'
        $ev[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }
}
