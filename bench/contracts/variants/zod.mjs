// zod 4's classic API.
import * as z from 'zod';
import { zodVariant } from './zod-schemas.mjs';

export const { schemas, validate } = zodVariant(z);
