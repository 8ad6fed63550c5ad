# A second process on the vault at $env:ACMEPS_VAULT (a blob container URL), through the engine's store directly:
# the lock is not a cmdlet. Loads AcmePS.Core from the built module's dependencies folder (nothing else is loaded here).
#   count <n>         n times: lock 'counter', read the file 'counter', write it + 1, unlock
#   hold              lock 'order', print 'locked', sleep until killed
#   try <seconds>     try to lock 'order' within the time: print 'acquired' or the ErrorId
#                     (-WaitForGo: first print 'ready' and wait for a line on standard input)
#   read              print the file 'counter'
param([Parameter(Mandatory)][string]$Module, [Parameter(Mandatory)][string]$Mode, [int]$Value, [switch]$WaitForGo)
$ErrorActionPreference = 'Stop'
Add-Type -Path (Join-Path (Split-Path $Module -Parent) 'dependencies/AcmePS.Core.dll')
$store = [AcmePS.Core.Vault.VaultStores]::Open($env:ACMEPS_VAULT)
$none = [Threading.CancellationToken]::None
switch ($Mode) {
    'count' {
        for ($i = 0; $i -lt $Value; $i++) {
            $lock = $store.Lock('counter', [TimeSpan]::FromMinutes(2), $none)
            try { $store.Write('counter', [string]([int]$store.Read('counter') + 1)) } finally { $lock.Dispose() }
        }
        'done'
    }
    'hold' {
        $null = $store.Lock('order', [TimeSpan]::FromSeconds(30), $none)
        [Console]::Out.WriteLine('locked'); [Console]::Out.Flush()
        Start-Sleep -Seconds 600
    }
    'read' { $store.Read('counter') }
    'try' {
        if ($WaitForGo) { [Console]::Out.WriteLine('ready'); [Console]::Out.Flush(); $null = [Console]::In.ReadLine() }
        try { $store.Lock('order', [TimeSpan]::FromSeconds($Value), $none).Dispose(); 'acquired' }
        catch { $e = $_.Exception; while ($e.InnerException -and -not $e.PSObject.Properties['ErrorId']) { $e = $e.InnerException }; $e.ErrorId }
    }
}
