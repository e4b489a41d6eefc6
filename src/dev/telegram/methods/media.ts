import { badRequest, Descriptions } from '../errors.js';
import { guessMimeType, type FileKind, type StoredFile } from '../files.js';
import { readImageInfo } from '../image-size.js';
import type { UploadedFile } from '../params.js';
import type { Document, File, Message, PhotoSize } from '../types.js';
import type { MethodContext, MethodHandler } from './context.js';
import { commonSendFields, readFormatted, readReplyMarkup } from './shared.js';

/** Real limits on photo geometry: width + height ≤ 10000 and aspect ratio ≤ 20. */
const MAX_PHOTO_DIMENSION_SUM = 10_000;
const MAX_PHOTO_ASPECT_RATIO = 20;

const KIND_NAMES: Record<FileKind, string> = { photo: 'Photo', document: 'Document' };

/**
 * Resolves a photo/document argument: an uploaded part, or a file_id from an earlier send.
 * URLs are not fetched (the emulator has no internet), which the real API would report as an
 * unreachable URL.
 */
function resolveInputFile(ctx: MethodContext, field: FileKind, missing: string): StoredFile | { upload: UploadedFile } {
  const upload = ctx.params.file(field);
  if (upload) return { upload };
  const ref = ctx.params.string(field);
  if (!ref) throw badRequest(missing);
  if (/^https?:\/\//i.test(ref)) throw badRequest('failed to get HTTP URL content');
  const stored = ctx.files.get(ref);
  if (!stored) throw badRequest(Descriptions.wrongFileId);
  if (stored.kind !== field) throw badRequest(`can't use file of type ${KIND_NAMES[stored.kind]} as ${KIND_NAMES[field]}`);
  return stored;
}

function photoSizes(file: StoredFile): PhotoSize[] {
  // One size: the original. The real API adds downscaled thumbnails, which the emulator cannot
  // produce without an image codec; PhotoSize[] consumers take the last (largest) entry anyway.
  return [
    {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      width: file.width ?? 0,
      height: file.height ?? 0,
      file_size: file.data.length,
    },
  ];
}

/** sendPhoto: multipart upload (PNG/JPEG/GIF/WebP, dimensions read from the header) or file_id. */
export const sendPhoto: MethodHandler = (ctx: MethodContext) => {
  const { params, state, outbox, files } = ctx;
  const caption = readFormatted(params, 'caption');
  const markup = readReplyMarkup(params);
  const input = resolveInputFile(ctx, 'photo', Descriptions.noPhoto);
  const chat = state.requireChat(params.string('chat_id'));
  let file: StoredFile;
  if ('upload' in input) {
    const info = readImageInfo(input.upload.data);
    if (!info) throw badRequest(Descriptions.imageProcessFailed);
    const ratio = Math.max(info.width, info.height) / Math.min(info.width, info.height);
    if (info.width + info.height > MAX_PHOTO_DIMENSION_SUM || ratio > MAX_PHOTO_ASPECT_RATIO) {
      throw badRequest(Descriptions.photoInvalidDimensions);
    }
    file = files.add({ kind: 'photo', data: input.upload.data, mimeType: info.mimeType, width: info.width, height: info.height });
  } else {
    file = input;
  }
  const { reply_markup, ...common } = commonSendFields(params, chat, markup);
  const message = state.appendMessage(chat, {
    from: state.botAsSender,
    ...common,
    photo: photoSizes(file),
    ...(caption.text ? { caption: caption.text } : {}),
    ...(caption.entities.length > 0 ? { caption_entities: caption.entities } : {}),
    ...(reply_markup ? { reply_markup } : {}),
  });
  outbox.record({ method: 'sendPhoto', chat_id: chat.chat.id, message_id: message.message_id, message, file_id: file.fileId });
  return message;
};

/** sendDocument: multipart upload of any bytes, or a file_id of an earlier document. */
export const sendDocument: MethodHandler = (ctx: MethodContext) => {
  const { params, state, outbox, files } = ctx;
  const caption = readFormatted(params, 'caption');
  const markup = readReplyMarkup(params);
  const input = resolveInputFile(ctx, 'document', Descriptions.noDocument);
  const chat = state.requireChat(params.string('chat_id'));
  const file =
    'upload' in input
      ? files.add({
          kind: 'document',
          data: input.upload.data,
          fileName: input.upload.filename,
          mimeType: guessMimeType(input.upload.filename, input.upload.mimeType),
        })
      : input;
  const document: Document = {
    ...(file.fileName ? { file_name: file.fileName } : {}),
    mime_type: file.mimeType,
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.data.length,
  };
  const { reply_markup, ...common } = commonSendFields(params, chat, markup);
  const message: Message = state.appendMessage(chat, {
    from: state.botAsSender,
    ...common,
    document,
    ...(caption.text ? { caption: caption.text } : {}),
    ...(caption.entities.length > 0 ? { caption_entities: caption.entities } : {}),
    ...(reply_markup ? { reply_markup } : {}),
  });
  outbox.record({ method: 'sendDocument', chat_id: chat.chat.id, message_id: message.message_id, message, file_id: file.fileId });
  return message;
};

/** getFile: metadata plus the file_path served under /file/bot<token>/. */
export const getFile: MethodHandler = ({ params, files }: MethodContext) => {
  const id = params.string('file_id');
  const file = id ? files.get(id) : undefined;
  if (!file) throw badRequest(Descriptions.invalidFileId);
  const result: File = {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    file_size: file.data.length,
    file_path: file.filePath,
  };
  return result;
};
