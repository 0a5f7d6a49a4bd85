
use builtin;
use str;

set edit:completion:arg-completer[csrkit] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'csrkit'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'csrkit'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand generate 'Generate a new key pair and CSR, stored as record NAME'
            cand show 'Decode and verify a CSR (a record, or a file with --file)'
            cand download 'Print or save a record''s CSR'
            cand regenerate 'Make a new CSR for a record, keeping its key unless --new-key'
            cand list 'List the records in the keystore'
            cand delete 'Delete a record and its history'
            cand import 'Take a signed certificate back: find its record by key, check its chain, store both'
            cand self-sign 'Issue a self-signed certificate on a record''s key and request'
            cand expiring 'List the certificates that expire soon (exit 10 when there are any)'
            cand keystore 'Keystore maintenance: apply a PostgreSQL keystore''s schema migrations, copy records between keystores'
            cand completions 'Print a shell completion script'
            cand man 'Write the man pages (csrkit.1 and one per subcommand)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'csrkit;generate'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --common-name 'Common name (CN)'
            cand --cn 'Common name (CN)'
            cand --country 'Country (C): ISO 3166 two-letter code'
            cand --state 'State or province (ST)'
            cand --locality 'Locality or city (L)'
            cand --organization 'Organization (O)'
            cand --org 'Organization (O)'
            cand --organizational-unit 'Organizational unit (OU); repeatable, kept in order'
            cand --ou 'Organizational unit (OU); repeatable, kept in order'
            cand --street-address 'Street address'
            cand --domain-component 'Domain component (DC); repeatable, kept in order'
            cand --dc 'Domain component (DC); repeatable, kept in order'
            cand --user-id 'User id (UID)'
            cand --uid 'User id (UID)'
            cand --email-address 'Email address attribute in the subject (prefer --email for a SAN)'
            cand --subject 'Whole subject: RFC 4514 (CN=a,O=b) or OpenSSL form (/C=DE/O=b/CN=a); ''+'' joins multi-valued RDNs'
            cand --dns 'DNS name SAN; repeatable, comma-separable'
            cand --ip 'IP address SAN (IPv4 or IPv6); repeatable, comma-separable'
            cand --email 'Email SAN; repeatable, comma-separable'
            cand --uri 'URI SAN (absolute URI); repeatable, comma-separable'
            cand --san 'SAN as TYPE:VALUE with TYPE dns, ip, email or uri; repeatable'
            cand --key-type 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]'
            cand --algorithm 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]'
            cand --key-size 'RSA: 2048, 3072, 4096 [default: 2048]; EC: 256, 384, 521'
            cand --curve 'EC curve: P-256, P-384 or P-521 [default: P-256]'
            cand --digest 'Signature digest: sha256, sha384 or sha512 [default: fits the key]'
            cand --purpose 'server, client, server-client or signing-encryption (sets key usages)'
            cand --key-usage 'Key usages, comma-separated (digitalSignature,keyEncipherment,...)'
            cand --extended-key-usage 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)'
            cand --eku 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)'
            cand --path-len 'Path length constraint for --ca'
            cand --description 'Description stored with the record'
            cand --request 'Read a request body (QRadar, NSX, XClarity, ArcGIS, SBC or native JSON) from FILE or - (stdin); flags override its fields'
            cand --request-format 'Force the request body''s format instead of detecting it'
            cand --batch 'JSON Lines, one request per line (any accepted shape plus "name"), from FILE or -'
            cand -j 'Parallel jobs for --batch [default: all cores]'
            cand --jobs 'Parallel jobs for --batch [default: all cores]'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --passphrase-env 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand --no-default-san 'Do not add the CN as a SAN when no SAN is given'
            cand --ca 'Request a CA certificate (basicConstraints CA:TRUE)'
            cand --no-passphrase 'Store the private key unencrypted (still mode 0600)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;show'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --file 'Read a CSR from FILE or - (PEM or DER) instead of a record'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;download'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand -o 'Write to FILE instead of stdout'
            cand --output 'Write to FILE instead of stdout'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand --der 'DER instead of PEM (same as --format der)'
            cand --details 'XClarity: the JSON envelope instead of the raw PEM'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;regenerate'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --common-name 'Common name (CN)'
            cand --cn 'Common name (CN)'
            cand --country 'Country (C): ISO 3166 two-letter code'
            cand --state 'State or province (ST)'
            cand --locality 'Locality or city (L)'
            cand --organization 'Organization (O)'
            cand --org 'Organization (O)'
            cand --organizational-unit 'Organizational unit (OU); repeatable, kept in order'
            cand --ou 'Organizational unit (OU); repeatable, kept in order'
            cand --street-address 'Street address'
            cand --domain-component 'Domain component (DC); repeatable, kept in order'
            cand --dc 'Domain component (DC); repeatable, kept in order'
            cand --user-id 'User id (UID)'
            cand --uid 'User id (UID)'
            cand --email-address 'Email address attribute in the subject (prefer --email for a SAN)'
            cand --subject 'Whole subject: RFC 4514 (CN=a,O=b) or OpenSSL form (/C=DE/O=b/CN=a); ''+'' joins multi-valued RDNs'
            cand --dns 'DNS name SAN; repeatable, comma-separable'
            cand --ip 'IP address SAN (IPv4 or IPv6); repeatable, comma-separable'
            cand --email 'Email SAN; repeatable, comma-separable'
            cand --uri 'URI SAN (absolute URI); repeatable, comma-separable'
            cand --san 'SAN as TYPE:VALUE with TYPE dns, ip, email or uri; repeatable'
            cand --key-type 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]'
            cand --algorithm 'Key type: rsa, ec (ecdsa) or ed25519 [default: rsa]'
            cand --key-size 'RSA: 2048, 3072, 4096 [default: 2048]; EC: 256, 384, 521'
            cand --curve 'EC curve: P-256, P-384 or P-521 [default: P-256]'
            cand --digest 'Signature digest: sha256, sha384 or sha512 [default: fits the key]'
            cand --purpose 'server, client, server-client or signing-encryption (sets key usages)'
            cand --key-usage 'Key usages, comma-separated (digitalSignature,keyEncipherment,...)'
            cand --extended-key-usage 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)'
            cand --eku 'Extended key usages, comma-separated (serverAuth,clientAuth,... or OIDs)'
            cand --path-len 'Path length constraint for --ca'
            cand --description 'Description stored with the record'
            cand --request 'Read a request body (QRadar, NSX, XClarity, ArcGIS, SBC or native JSON) from FILE or - (stdin); flags override its fields'
            cand --request-format 'Force the request body''s format instead of detecting it'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --passphrase-env 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand --new-key 'Generate a new key instead of reusing the stored one'
            cand --no-default-san 'Do not add the CN as a SAN when no SAN is given'
            cand --ca 'Request a CA certificate (basicConstraints CA:TRUE)'
            cand --no-passphrase 'Store the private key unencrypted (still mode 0600)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;list'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;delete'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -y 'Do not ask for confirmation (required when not at a terminal)'
            cand --yes 'Do not ask for confirmation (required when not at a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;import'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --record 'The record it is for [default: the record that holds the certificate''s key]'
            cand --ca-file 'More certificates to build the chain from (intermediates, roots); repeatable'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand --require-chain 'Fail (exit 9) unless the chain reaches a self-signed root'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;self-sign'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --days 'Days the certificate is valid, from now'
            cand --passphrase-file 'Read the passphrase from the first line of FILE'
            cand --passphrase-env 'Read the passphrase from the environment variable VAR. With no passphrase option, $CSRKIT_PASSPHRASE is used, else csrkit asks at a terminal'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand --no-passphrase 'Store the private key unencrypted (still mode 0600)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;expiring'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --within 'The window: a number with s, m, h, d or w (a bare number is days)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;keystore'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand migrate 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)'
            cand copy 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'csrkit;keystore;migrate'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;keystore;copy'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;keystore;help'= {
            cand migrate 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)'
            cand copy 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'csrkit;keystore;help;migrate'= {
        }
        &'csrkit;keystore;help;copy'= {
        }
        &'csrkit;keystore;help;help'= {
        }
        &'csrkit;completions'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;man'= {
            cand --keystore 'Keystore directory, or postgresql://user@host:port/db URL [default: $XDG_DATA_HOME/csrkit, else ~/.local/share/csrkit]'
            cand --format 'Output shape (each command has its own default)'
            cand --lock-timeout 'Seconds to wait for the keystore lock before giving up (exit 5)'
            cand --pretty 'Pretty-print JSON shapes (ArcGIS f=pjson)'
            cand --no-input 'Never prompt; implied when stdin is not a terminal or CI is set'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'csrkit;help'= {
            cand generate 'Generate a new key pair and CSR, stored as record NAME'
            cand show 'Decode and verify a CSR (a record, or a file with --file)'
            cand download 'Print or save a record''s CSR'
            cand regenerate 'Make a new CSR for a record, keeping its key unless --new-key'
            cand list 'List the records in the keystore'
            cand delete 'Delete a record and its history'
            cand import 'Take a signed certificate back: find its record by key, check its chain, store both'
            cand self-sign 'Issue a self-signed certificate on a record''s key and request'
            cand expiring 'List the certificates that expire soon (exit 10 when there are any)'
            cand keystore 'Keystore maintenance: apply a PostgreSQL keystore''s schema migrations, copy records between keystores'
            cand completions 'Print a shell completion script'
            cand man 'Write the man pages (csrkit.1 and one per subcommand)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'csrkit;help;generate'= {
        }
        &'csrkit;help;show'= {
        }
        &'csrkit;help;download'= {
        }
        &'csrkit;help;regenerate'= {
        }
        &'csrkit;help;list'= {
        }
        &'csrkit;help;delete'= {
        }
        &'csrkit;help;import'= {
        }
        &'csrkit;help;self-sign'= {
        }
        &'csrkit;help;expiring'= {
        }
        &'csrkit;help;keystore'= {
            cand migrate 'Apply the schema migrations a PostgreSQL keystore lacks (also done on first use)'
            cand copy 'Copy every record, with its id and history, from SRC to DST (a directory or a postgresql:// URL); resumable'
        }
        &'csrkit;help;keystore;migrate'= {
        }
        &'csrkit;help;keystore;copy'= {
        }
        &'csrkit;help;completions'= {
        }
        &'csrkit;help;man'= {
        }
        &'csrkit;help;help'= {
        }
    ]
    $completions[$command]
}
