declare module 'ecdsa-sig-formatter' {
  const formatter: {
    derToJose(signature: Buffer | string, alg: string): string;
    joseToDer(signature: Buffer | string, alg: string): Buffer;
  };
  export default formatter;
}
