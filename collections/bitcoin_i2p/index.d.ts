/** The bundled Bitcoin Core over I2P collection. */
declare const _default: import("provision").Collection;
export default _default;
