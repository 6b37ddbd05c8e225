// The TCP transport class of @xmpp/tcp, extended by the Direct TLS transport (accounts/direct-tls.ts).
declare module '@xmpp/tcp/lib/Connection.js' {
  import Connection from '@xmpp/connection';
  export default class ConnectionTCP extends Connection {
    socketParameters(service: string): { host: string; port: number | null } | undefined;
  }
}
