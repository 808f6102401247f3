export function imageSize(buffer: Buffer): { width: number; height: number } | undefined;
