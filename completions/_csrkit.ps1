
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'csrkit' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'csrkit'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'csrkit' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate a new key pair and CSR, stored as record NAME')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Decode and verify a CSR (a record, or a file with --file)')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Print or save a record''s CSR')
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Make a new CSR for a record, keeping its key unless --new-key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the records in the keystore')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a record and its history')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Take a signed certificate back: find its record by key, check its chain, store both')
            [CompletionResult]::new('self-sign', 'self-sign', [CompletionResultType]::ParameterValue, 'Issue a self-signed certificate on a record''s key and request')
            [CompletionResult]::new('expiring', 'expiring', [CompletionResultType]::ParameterValue, 'List the certificates that expire soon (exit 10 when there are any)')
            [CompletionResult]::new('keystore', 'keystore', [CompletionResultType]::ParameterValue, 'Keystore maintenance: apply a PostgreSQL keystore''s schema migrations, copy records between keystores')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (csrkit.1 and one per subcommand)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'csrkit;generate' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--common-name', '--common-name', [CompletionResultType]::ParameterName, 'Common name (CN)')
            [CompletionResult]::new('--cn', '--cn', [CompletionResultType]::ParameterName, 'Common name (CN)')
            [CompletionResult]::new('--country', '--country', [CompletionResultType]::ParameterName, 'Country (C): ISO 3166 two-letter code')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State or province (ST)')
            [CompletionResult]::new('--locality', '--locality', [CompletionResultType]::ParameterName, 'Locality or city (L)')
            [CompletionResult]::new('--organization', '--organization', [CompletionResultType]::ParameterName, 'Organization (O)')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organization (O)')
            [CompletionResult]::new('--organizational-unit', '--organizational-unit', [CompletionResultType]::ParameterName, 'Organizational unit (OU); repeatable, kept in order')
            [CompletionResult]::new('--ou', '--ou', [CompletionResultType]::ParameterName, 'Organizational unit (OU); repeatable, kept in order')
            [CompletionResult]::new('--street-address', '--street-address', [CompletionResultType]::ParameterName, 'Street address')
            [CompletionResult]::new('--domain-component', '--domain-component', [CompletionResultType]::ParameterName, 'Domain component (DC); repeatable, kept in order')
            [CompletionResult]::new('--dc', '--dc', [CompletionResultType]::ParameterName, 'Domain component (DC); repeatable, kept in order')
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'User id (UID)')
            [CompletionResult]::new('--uid', '--uid', [CompletionResultType]::ParameterName, 'User id (UID)')
            [CompletionResult]::new('--email-address', '--email-address', [CompletionResultType]::ParameterName, 'Email address attribute in the subject (prefer --email for a SAN)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Whole subject: RFC 4514 (CN=a,O=b) or OpenSSL form (/C=DE/O=b/CN=a); ''+'' joins multi-valued RDNs')
            [CompletionResult]::new('--dns', '--dns', [CompletionResultType]::ParameterName, 'DNS name SAN; repeatable, comma-separable')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'IP address SAN (IPv4 or IPv6); repeatable, comma-separable')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email SAN; repeatable, comma-separable')
            [CompletionResult]::new('--uri', '--uri', [CompletionResultType]::ParameterName, 'URI SAN (absolute URI); repeatable, comma-separable')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'SAN as TYPE:VALUE with TYPE dns, ip, email or uri; repeatable')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]')
            [CompletionResult]::new('--key-size', '--key-size', [CompletionResultType]::ParameterName, 'RSA: 2048, 3072, 4096 [default: 2048]; EC: 256, 384, 521')
            [CompletionResult]::new('--curve', '--curve', [CompletionResultType]::ParameterName, 'EC curve: P-256, P-384 or P-521 [default: P-256]')
            [CompletionResult]::new('--digest', '--digest', [CompletionResultType]::ParameterName, 'Signature digest: sha256, sha384 or sha512 [default: fits the key]')
            [CompletionResult]::new('--purpose', '--purpose', [CompletionResultType]::ParameterName, 'server, client, server-client or signing-encryption (sets key usages)')
            [CompletionResult]::new('--key-usage', '--key-usage', [CompletionResultType]::ParameterName, 'Key usages, comma-separated (digitalSignature,keyEncipherment,...)')
            [CompletionResult]::new('--extended-key-usage', '--extended-key-usage', [CompletionResultType]::ParameterName, 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)')
            [CompletionResult]::new('--eku', '--eku', [CompletionResultType]::ParameterName, 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)')
            [CompletionResult]::new('--path-len', '--path-len', [CompletionResultType]::ParameterName, 'Path length constraint for --ca')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description stored with the record')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'Read a request body (QRadar, NSX, XClarity, ArcGIS, SBC or native JSON) from FILE or - (stdin); flags override its fields')
            [CompletionResult]::new('--request-format', '--request-format', [CompletionResultType]::ParameterName, 'Force the request body''s format instead of detecting it')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'JSON Lines, one request per line (any accepted shape plus "name"), from FILE or -')
            [CompletionResult]::new('-j', '-j', [CompletionResultType]::ParameterName, 'Parallel jobs for --batch [default: all cores]')
            [CompletionResult]::new('--jobs', '--jobs', [CompletionResultType]::ParameterName, 'Parallel jobs for --batch [default: all cores]')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--passphrase-env', '--passphrase-env', [CompletionResultType]::ParameterName, 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--no-default-san', '--no-default-san', [CompletionResultType]::ParameterName, 'Do not add the CN as a SAN when no SAN is given')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Request a CA certificate (basicConstraints CA:TRUE)')
            [CompletionResult]::new('--no-passphrase', '--no-passphrase', [CompletionResultType]::ParameterName, 'Store the private key unencrypted (still mode 0600)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;show' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read a CSR from FILE or - (PEM or DER) instead of a record')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;download' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write to FILE instead of stdout')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--der', '--der', [CompletionResultType]::ParameterName, 'DER instead of PEM (same as --format der)')
            [CompletionResult]::new('--details', '--details', [CompletionResultType]::ParameterName, 'XClarity: the JSON envelope instead of the raw PEM')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;regenerate' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--common-name', '--common-name', [CompletionResultType]::ParameterName, 'Common name (CN)')
            [CompletionResult]::new('--cn', '--cn', [CompletionResultType]::ParameterName, 'Common name (CN)')
            [CompletionResult]::new('--country', '--country', [CompletionResultType]::ParameterName, 'Country (C): ISO 3166 two-letter code')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'State or province (ST)')
            [CompletionResult]::new('--locality', '--locality', [CompletionResultType]::ParameterName, 'Locality or city (L)')
            [CompletionResult]::new('--organization', '--organization', [CompletionResultType]::ParameterName, 'Organization (O)')
            [CompletionResult]::new('--org', '--org', [CompletionResultType]::ParameterName, 'Organization (O)')
            [CompletionResult]::new('--organizational-unit', '--organizational-unit', [CompletionResultType]::ParameterName, 'Organizational unit (OU); repeatable, kept in order')
            [CompletionResult]::new('--ou', '--ou', [CompletionResultType]::ParameterName, 'Organizational unit (OU); repeatable, kept in order')
            [CompletionResult]::new('--street-address', '--street-address', [CompletionResultType]::ParameterName, 'Street address')
            [CompletionResult]::new('--domain-component', '--domain-component', [CompletionResultType]::ParameterName, 'Domain component (DC); repeatable, kept in order')
            [CompletionResult]::new('--dc', '--dc', [CompletionResultType]::ParameterName, 'Domain component (DC); repeatable, kept in order')
            [CompletionResult]::new('--user-id', '--user-id', [CompletionResultType]::ParameterName, 'User id (UID)')
            [CompletionResult]::new('--uid', '--uid', [CompletionResultType]::ParameterName, 'User id (UID)')
            [CompletionResult]::new('--email-address', '--email-address', [CompletionResultType]::ParameterName, 'Email address attribute in the subject (prefer --email for a SAN)')
            [CompletionResult]::new('--subject', '--subject', [CompletionResultType]::ParameterName, 'Whole subject: RFC 4514 (CN=a,O=b) or OpenSSL form (/C=DE/O=b/CN=a); ''+'' joins multi-valued RDNs')
            [CompletionResult]::new('--dns', '--dns', [CompletionResultType]::ParameterName, 'DNS name SAN; repeatable, comma-separable')
            [CompletionResult]::new('--ip', '--ip', [CompletionResultType]::ParameterName, 'IP address SAN (IPv4 or IPv6); repeatable, comma-separable')
            [CompletionResult]::new('--email', '--email', [CompletionResultType]::ParameterName, 'Email SAN; repeatable, comma-separable')
            [CompletionResult]::new('--uri', '--uri', [CompletionResultType]::ParameterName, 'URI SAN (absolute URI); repeatable, comma-separable')
            [CompletionResult]::new('--san', '--san', [CompletionResultType]::ParameterName, 'SAN as TYPE:VALUE with TYPE dns, ip, email or uri; repeatable')
            [CompletionResult]::new('--key-type', '--key-type', [CompletionResultType]::ParameterName, 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]')
            [CompletionResult]::new('--algorithm', '--algorithm', [CompletionResultType]::ParameterName, 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]')
            [CompletionResult]::new('--key-size', '--key-size', [CompletionResultType]::ParameterName, 'RSA: 2048, 3072, 4096 [default: 2048]; EC: 256, 384, 521')
            [CompletionResult]::new('--curve', '--curve', [CompletionResultType]::ParameterName, 'EC curve: P-256, P-384 or P-521 [default: P-256]')
            [CompletionResult]::new('--digest', '--digest', [CompletionResultType]::ParameterName, 'Signature digest: sha256, sha384 or sha512 [default: fits the key]')
            [CompletionResult]::new('--purpose', '--purpose', [CompletionResultType]::ParameterName, 'server, client, server-client or signing-encryption (sets key usages)')
            [CompletionResult]::new('--key-usage', '--key-usage', [CompletionResultType]::ParameterName, 'Key usages, comma-separated (digitalSignature,keyEncipherment,...)')
            [CompletionResult]::new('--extended-key-usage', '--extended-key-usage', [CompletionResultType]::ParameterName, 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)')
            [CompletionResult]::new('--eku', '--eku', [CompletionResultType]::ParameterName, 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)')
            [CompletionResult]::new('--path-len', '--path-len', [CompletionResultType]::ParameterName, 'Path length constraint for --ca')
            [CompletionResult]::new('--description', '--description', [CompletionResultType]::ParameterName, 'Description stored with the record')
            [CompletionResult]::new('--request', '--request', [CompletionResultType]::ParameterName, 'Read a request body (QRadar, NSX, XClarity, ArcGIS, SBC or native JSON) from FILE or - (stdin); flags override its fields')
            [CompletionResult]::new('--request-format', '--request-format', [CompletionResultType]::ParameterName, 'Force the request body''s format instead of detecting it')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--passphrase-env', '--passphrase-env', [CompletionResultType]::ParameterName, 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--new-key', '--new-key', [CompletionResultType]::ParameterName, 'Generate a new key instead of reusing the stored one')
            [CompletionResult]::new('--no-default-san', '--no-default-san', [CompletionResultType]::ParameterName, 'Do not add the CN as a SAN when no SAN is given')
            [CompletionResult]::new('--ca', '--ca', [CompletionResultType]::ParameterName, 'Request a CA certificate (basicConstraints CA:TRUE)')
            [CompletionResult]::new('--no-passphrase', '--no-passphrase', [CompletionResultType]::ParameterName, 'Store the private key unencrypted (still mode 0600)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;list' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;delete' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not at a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when not at a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;import' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--record', '--record', [CompletionResultType]::ParameterName, 'The record it is for [default: the record that holds the certificate''s key]')
            [CompletionResult]::new('--ca-file', '--ca-file', [CompletionResultType]::ParameterName, 'More certificates to build the chain from (intermediates, roots); repeatable')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--require-chain', '--require-chain', [CompletionResultType]::ParameterName, 'Fail (exit 9) unless the chain reaches a self-signed root')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;self-sign' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--days', '--days', [CompletionResultType]::ParameterName, 'Days the certificate is valid, from now')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'Read the passphrase from the first line of FILE')
            [CompletionResult]::new('--passphrase-env', '--passphrase-env', [CompletionResultType]::ParameterName, 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--no-passphrase', '--no-passphrase', [CompletionResultType]::ParameterName, 'Store the private key unencrypted (still mode 0600)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;expiring' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--within', '--within', [CompletionResultType]::ParameterName, 'The window: a number with s, m, h, d or w (a bare number is days)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;keystore' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'csrkit;keystore;migrate' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;keystore;copy' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;keystore;help' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'csrkit;keystore;help;migrate' {
            break
        }
        'csrkit;keystore;help;copy' {
            break
        }
        'csrkit;keystore;help;help' {
            break
        }
        'csrkit;completions' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;man' {
            [CompletionResult]::new('--keystore', '--keystore', [CompletionResultType]::ParameterName, 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output shape (each command has its own default)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for the keystore lock before giving up (exit 5)')
            [CompletionResult]::new('--pretty', '--pretty', [CompletionResultType]::ParameterName, 'Pretty-print JSON shapes (ArcGIS f=pjson)')
            [CompletionResult]::new('--no-input', '--no-input', [CompletionResultType]::ParameterName, 'Never prompt; implied when stdin is not a terminal or CI is set')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'csrkit;help' {
            [CompletionResult]::new('generate', 'generate', [CompletionResultType]::ParameterValue, 'Generate a new key pair and CSR, stored as record NAME')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Decode and verify a CSR (a record, or a file with --file)')
            [CompletionResult]::new('download', 'download', [CompletionResultType]::ParameterValue, 'Print or save a record''s CSR')
            [CompletionResult]::new('regenerate', 'regenerate', [CompletionResultType]::ParameterValue, 'Make a new CSR for a record, keeping its key unless --new-key')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'List the records in the keystore')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a record and its history')
            [CompletionResult]::new('import', 'import', [CompletionResultType]::ParameterValue, 'Take a signed certificate back: find its record by key, check its chain, store both')
            [CompletionResult]::new('self-sign', 'self-sign', [CompletionResultType]::ParameterValue, 'Issue a self-signed certificate on a record''s key and request')
            [CompletionResult]::new('expiring', 'expiring', [CompletionResultType]::ParameterValue, 'List the certificates that expire soon (exit 10 when there are any)')
            [CompletionResult]::new('keystore', 'keystore', [CompletionResultType]::ParameterValue, 'Keystore maintenance: apply a PostgreSQL keystore''s schema migrations, copy records between keystores')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Write the man pages (csrkit.1 and one per subcommand)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'csrkit;help;generate' {
            break
        }
        'csrkit;help;show' {
            break
        }
        'csrkit;help;download' {
            break
        }
        'csrkit;help;regenerate' {
            break
        }
        'csrkit;help;list' {
            break
        }
        'csrkit;help;delete' {
            break
        }
        'csrkit;help;import' {
            break
        }
        'csrkit;help;self-sign' {
            break
        }
        'csrkit;help;expiring' {
            break
        }
        'csrkit;help;keystore' {
            [CompletionResult]::new('migrate', 'migrate', [CompletionResultType]::ParameterValue, 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)')
            [CompletionResult]::new('copy', 'copy', [CompletionResultType]::ParameterValue, 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable')
            break
        }
        'csrkit;help;keystore;migrate' {
            break
        }
        'csrkit;help;keystore;copy' {
            break
        }
        'csrkit;help;completions' {
            break
        }
        'csrkit;help;man' {
            break
        }
        'csrkit;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
